import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { cx } from './cx';
import { Icon, type IconName } from './icons';

export type MenuItem = {
  key: string;
  label: ReactNode;
  icon?: IconName;
  onSelect: () => void;
  /** Renders as a checked radio item (language, organization). */
  checked?: boolean;
  tone?: 'danger';
  lang?: string;
};

/**
 * Menu button (WAI-ARIA pattern): Enter/Space/ArrowDown opens and focuses the first item, arrows move,
 * Home/End jump, Esc closes and returns focus to the button, Tab closes.
 */
export function Menu({
  label,
  button,
  items,
  header,
  align = 'right',
  buttonClassName,
  testId,
}: {
  label: string;
  button: ReactNode;
  items: MenuItem[];
  header?: ReactNode;
  align?: 'left' | 'right';
  buttonClassName?: string;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const radio = items.some((i) => i.checked !== undefined);

  const focusItem = (index: number) => {
    const nodes = listRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]');
    if (!nodes || nodes.length === 0) return;
    nodes[(index + nodes.length) % nodes.length]?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!listRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    const checkedIndex = items.findIndex((i) => i.checked);
    requestAnimationFrame(() => focusItem(checkedIndex >= 0 ? checkedIndex : 0));
    return () => document.removeEventListener('mousedown', onDown);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- focus once per opening
  }, [open]);

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        title={label}
        data-testid={testId}
        className={cx(
          'inline-flex h-10 items-center gap-1.5 rounded-lg px-2 text-sm text-fg hover:bg-surface-2',
          buttonClassName,
        )}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {button}
      </button>
      {open ? (
        <div
          ref={listRef}
          id={menuId}
          role="menu"
          aria-label={label}
          className={cx(
            'absolute z-40 mt-1 w-64 max-w-[calc(100vw-1rem)] overflow-hidden rounded-xl border border-border bg-surface py-1 shadow-xl',
            align === 'right' ? 'right-0' : 'left-0',
          )}
          onKeyDown={(e) => {
            const nodes = Array.from(
              listRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [],
            );
            const index = nodes.indexOf(document.activeElement as HTMLElement);
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              focusItem(index + 1);
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              focusItem(index - 1);
            } else if (e.key === 'Home') {
              e.preventDefault();
              focusItem(0);
            } else if (e.key === 'End') {
              e.preventDefault();
              focusItem(nodes.length - 1);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              close();
            } else if (e.key === 'Tab') {
              close(false);
            }
          }}
        >
          {header ? <div className="border-b border-border px-4 py-3 text-sm">{header}</div> : null}
          {items.map((item) => (
            <button
              key={item.key}
              type="button"
              role={radio ? 'menuitemradio' : 'menuitem'}
              aria-checked={radio ? Boolean(item.checked) : undefined}
              lang={item.lang}
              tabIndex={-1}
              className={cx(
                'flex w-full items-center gap-3 px-4 py-2.5 text-left text-sm hover:bg-surface-2 focus-visible:bg-surface-2 focus-visible:outline-none',
                item.tone === 'danger' ? 'text-danger-text' : 'text-fg',
              )}
              onClick={() => {
                close();
                item.onSelect();
              }}
            >
              {item.icon ? <Icon name={item.icon} size={18} className="shrink-0" /> : null}
              <span className="min-w-0 flex-1 truncate">{item.label}</span>
              {radio && item.checked ? (
                <Icon name="check" size={16} className="shrink-0 text-primary-text" />
              ) : null}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
