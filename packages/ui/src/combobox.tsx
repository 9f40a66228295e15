import { useEffect, useId, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { cx } from './cx';
import { Icon } from './icons';
import { Spinner } from './spinner';
import type { ControlProps } from './field';

export type ComboOption = { id: string; label: string; detail?: string };

/**
 * Searchable single select (WAI-ARIA combobox with a listbox popup) whose options come from the server.
 * The first option is always "none" so the value can be cleared.
 */
export function AsyncCombobox({
  control,
  value,
  onChange,
  search,
  queryKey,
  placeholder,
  noneLabel,
  emptyLabel,
  exclude,
}: {
  control: ControlProps;
  value: ComboOption | null;
  onChange: (option: ComboOption | null) => void;
  search: (q: string) => Promise<ComboOption[]>;
  queryKey: string;
  placeholder: string;
  noneLabel: string;
  emptyLabel: string;
  exclude?: string;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(value?.label ?? '');
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const wrapRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setText(value?.label ?? '');
  }, [value]);

  useEffect(() => {
    const handle = window.setTimeout(() => setQ(text.trim()), 250);
    return () => window.clearTimeout(handle);
  }, [text]);

  const query = useQuery({
    queryKey: [queryKey, q],
    queryFn: () => search(q),
    enabled: open,
    staleTime: 30_000,
  });
  const options: (ComboOption | null)[] = [null, ...(query.data ?? []).filter((o) => o.id !== exclude)];

  const choose = (option: ComboOption | null) => {
    onChange(option);
    setText(option?.label ?? '');
    setOpen(false);
  };

  return (
    <div
      ref={wrapRef}
      className="relative"
      onBlur={(e) => {
        if (!wrapRef.current?.contains(e.relatedTarget)) {
          setOpen(false);
          setText(value?.label ?? '');
        }
      }}
    >
      <div className="relative">
        <Icon
          name="search"
          size={16}
          className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-muted"
        />
        <input
          {...control}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          placeholder={value ? undefined : placeholder}
          value={text}
          className={cx(
            'block h-10 w-full min-w-0 rounded-lg border bg-surface pr-9 pl-9 text-sm text-fg placeholder:text-muted',
            'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
            control['aria-invalid'] ? 'border-danger' : 'border-border-strong/70',
          )}
          onFocus={() => setOpen(true)}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setOpen(true);
              setActive((a) => Math.min(a + 1, options.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === 'Enter' && open) {
              e.preventDefault();
              choose(options[active] ?? null);
            } else if (e.key === 'Escape') {
              setOpen(false);
              setText(value?.label ?? '');
            }
          }}
        />
        {query.isFetching && open ? (
          <Spinner size={16} className="absolute top-1/2 right-3 -translate-y-1/2 text-muted" />
        ) : null}
      </div>
      {open ? (
        <ul
          id={listId}
          role="listbox"
          className="absolute z-30 mt-1 max-h-64 w-full overflow-y-auto rounded-lg border border-border bg-surface py-1 shadow-xl"
        >
          {options.map((option, i) => (
            <li
              key={option?.id ?? '__none'}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={(option?.id ?? null) === (value?.id ?? null)}
              tabIndex={-1}
              className={cx(
                'cursor-pointer px-3 py-2 text-sm',
                i === active ? 'bg-surface-2' : '',
                option ? 'text-fg' : 'text-muted italic',
              )}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(option)}
            >
              {option ? (
                <span className="flex items-baseline justify-between gap-3">
                  <span className="truncate">{option.label}</span>
                  {option.detail ? (
                    <span className="shrink-0 text-xs text-muted">{option.detail}</span>
                  ) : null}
                </span>
              ) : (
                noneLabel
              )}
            </li>
          ))}
          {query.isSuccess && options.length === 1 ? (
            <li role="presentation" className="px-3 py-2 text-sm text-muted">
              {emptyLabel}
            </li>
          ) : null}
          {query.isError ? (
            <li role="presentation" className="px-3 py-2 text-sm text-danger-text">
              {t('common.unknownError')}
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
