import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, Input } from './field';
import { Icon } from './icons';

type Part = 'day' | 'month' | 'year';

/**
 * The order and separator of a numeric date for an Intl tag (the app's language, not the browser's):
 * dd/mm/yyyy for id-ID, vi-VN and en-GB. Read from Intl so it follows every other date on screen.
 */
export function datePattern(tag: string): { order: Part[]; separator: string } {
  const parts = new Intl.DateTimeFormat(tag, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  }).formatToParts(new Date(Date.UTC(2026, 0, 31)));
  const order = parts.filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year');
  const separator = parts.find((p) => p.type === 'literal')?.value.trim() || '/';
  return { order: order.map((p) => p.type as Part), separator };
}

/** "2026-01-05" → "05/01/2026" in the locale's order. */
export function formatDateInput(iso: string, tag: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return '';
  const value: Record<Part, string> = { year: m[1]!, month: m[2]!, day: m[3]! };
  const { order, separator } = datePattern(tag);
  return order.map((p) => value[p]).join(separator);
}

/**
 * What was typed, in the locale's order ("5/1/2026", "05-01-2026", "05.01.2026") or pasted as ISO
 * ("2026-01-05"), as YYYY-MM-DD; null when it is not a real calendar date.
 */
export function parseDateInput(text: string, tag: string): string | null {
  const s = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  let y: number, mo: number, d: number;
  if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    const nums = s.split(/[/.\-\s]+/).filter(Boolean);
    if (nums.length !== 3 || nums.some((n) => !/^\d+$/.test(n))) return null;
    const { order } = datePattern(tag);
    const v = Object.fromEntries(order.map((p, i) => [p, nums[i]!])) as Record<Part, string>;
    if (v.year.length !== 4) return null;
    [y, mo, d] = [Number(v.year), Number(v.month), Number(v.day)];
  }
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A date entered as people in Indonesia and Vietnam write it (dd/mm/yyyy), whatever the browser's
 * language: a native <input type="date"> shows the browser locale's mm/dd/yyyy. The value in and out is
 * YYYY-MM-DD; the calendar button opens the browser's picker over a hidden native input. `intlTag` is
 * the app language's Intl tag (id-ID, en-GB, vi-VN); its strings are the app's `fh.dateField.*` keys.
 */
export function DateField({
  intlTag: locale,
  label,
  value,
  onChange,
  min,
  max,
  name,
  hint,
  error,
  optional,
  className,
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  min?: string | undefined;
  max?: string | undefined;
  name?: string;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  className?: string;
  intlTag: string;
}) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState(() => formatDateInput(value, locale));
  const [problem, setProblem] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const { order, separator } = datePattern(locale);
  const placeholder = order.map((p) => t(`fh.dateField.${p}`)).join(separator);

  // A new value from outside (another field, a reset, a language switch) replaces what is shown.
  useEffect(() => {
    setText(formatDateInput(value, locale));
    setProblem(null);
  }, [value, locale, i18n.language]);

  const commit = (next: string) => {
    if (next.trim() === '') {
      setProblem(optional ? null : t('fh.dateField.required'));
      if (optional) onChange('');
      return;
    }
    const iso = parseDateInput(next, locale);
    if (!iso) return setProblem(t('fh.dateField.invalid', { format: placeholder }));
    if (min && iso < min)
      return setProblem(t('fh.dateField.tooEarly', { date: formatDateInput(min, locale) }));
    if (max && iso > max)
      return setProblem(t('fh.dateField.tooLate', { date: formatDateInput(max, locale) }));
    setProblem(null);
    setText(formatDateInput(iso, locale));
    if (iso !== value) onChange(iso);
  };

  return (
    <Field
      label={label}
      hint={hint ?? undefined}
      error={error ?? problem}
      optional={optional}
      className={className}
    >
      {(p) => (
        <div className="relative">
          <Input
            {...p}
            name={name}
            inputMode="numeric"
            autoComplete="off"
            placeholder={placeholder}
            value={text}
            className="pr-10 tabular-nums"
            onChange={(e) => {
              setText(e.target.value);
              // A complete, valid date applies at once (filters refresh while typing); the rest on blur.
              const iso = parseDateInput(e.target.value, locale);
              if (iso && (!min || iso >= min) && (!max || iso <= max)) {
                setProblem(null);
                if (iso !== value) onChange(iso);
              }
            }}
            onBlur={(e) => commit(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit(e.currentTarget.value);
            }}
          />
          <button
            type="button"
            className="absolute top-1/2 right-1 flex h-8 w-8 -translate-y-1/2 items-center justify-center rounded-md text-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-ring"
            aria-label={t('fh.dateField.openCalendar')}
            onClick={() => {
              const el = picker.current;
              if (!el) return;
              try {
                el.showPicker();
              } catch {
                el.focus();
              }
            }}
          >
            <Icon name="calendar" size={16} />
          </button>
          <input
            ref={picker}
            type="date"
            tabIndex={-1}
            aria-hidden="true"
            className="pointer-events-none absolute right-0 bottom-0 h-0 w-0 opacity-0"
            value={value}
            min={min}
            max={max}
            onChange={(e) => {
              if (e.target.value) onChange(e.target.value);
            }}
          />
        </div>
      )}
    </Field>
  );
}
