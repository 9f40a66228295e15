import { useTranslation } from 'react-i18next';
import { Button } from '@hadir/ui';

/**
 * On a phone the secondary filters hide behind this button so the list starts on the first screen;
 * from `sm` up every filter shows and the button is gone. `active` counts the hidden filters in use.
 */
export function FilterToggle({
  open,
  onToggle,
  active,
  controls,
}: {
  open: boolean;
  onToggle: () => void;
  active: number;
  controls: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="col-span-2 sm:hidden">
      <Button size="sm" variant="ghost" aria-expanded={open} aria-controls={controls} onClick={onToggle}>
        {open
          ? t('fh.filters.fewer')
          : active > 0
            ? t('fh.filters.moreActive', { count: active })
            : t('fh.filters.more')}
      </Button>
    </div>
  );
}

/** Class for a filter that hides on phones while the toggle is closed. */
export const phoneHidden = (open: boolean) => (open ? '' : 'max-sm:hidden');
