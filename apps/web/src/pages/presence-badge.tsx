import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '@hadir/ui';

export type PresenceState = 'available' | 'off' | 'unknown' | 'outsideHours';

/** The one place that maps presence to colour: available = teal, off = red, unknown = gray, outside = slate. */
const TONE: Record<PresenceState, BadgeTone> = {
  available: 'success',
  off: 'danger',
  unknown: 'neutral',
  outsideHours: 'slate',
};

export function PresenceBadge({ state }: { state: PresenceState }) {
  const { t } = useTranslation();
  return (
    <Badge tone={TONE[state]} dot>
      {t(`presence.${state}`)}
    </Badge>
  );
}
