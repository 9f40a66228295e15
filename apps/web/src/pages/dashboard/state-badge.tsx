import { useTranslation } from 'react-i18next';
import type { PresenceStateName } from '@hadir/contracts';
import { Badge, type BadgeTone } from '@hadir/ui';

export const STATE_ORDER: readonly PresenceStateName[] = ['available', 'off', 'unknown', 'outside_hours'];

/** Same colours as the shell's PresenceBadge: available teal, off red, unknown gray, outside slate. */
export function stateTone(state: PresenceStateName): BadgeTone {
  switch (state) {
    case 'available':
      return 'success';
    case 'off':
      return 'danger';
    case 'unknown':
      return 'neutral';
    case 'outside_hours':
      return 'slate';
    default: {
      const never: never = state;
      return never;
    }
  }
}

export function StateBadge({ state }: { state: PresenceStateName }) {
  const { t } = useTranslation();
  return (
    <Badge tone={stateTone(state)} dot>
      {t(`dash.state.${state}`)}
    </Badge>
  );
}
