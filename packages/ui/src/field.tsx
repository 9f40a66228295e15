import {
  forwardRef,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
} from 'react';
import { useTranslation } from 'react-i18next';
import { cx } from './cx';
import { Icon } from './icons';

const control =
  'block w-full min-w-0 rounded-lg border bg-surface px-3 text-sm text-fg placeholder:text-muted ' +
  'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring ' +
  'disabled:cursor-not-allowed disabled:bg-surface-2 disabled:opacity-80';

function controlClass(invalid: boolean, extra?: string) {
  return cx(control, invalid ? 'border-danger' : 'border-border-strong/70', extra);
}

export type ControlProps = {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
};

/**
 * Label + control + hint + error, wired for screen readers: the control gets the id, aria-invalid and
 * aria-describedby pointing at the hint and the error.
 */
export function Field({
  label,
  hint,
  error,
  optional,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
  className?: string;
  children: (props: ControlProps) => ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cx('min-w-0 space-y-1.5', className)}>
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
        {optional ? <span className="ml-1 font-normal text-muted">({t('common.optional')})</span> : null}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {error ? (
        <p id={errorId} className="flex items-start gap-1 text-sm text-danger-text">
          <Icon name="alert" size={16} className="mt-0.5 shrink-0" />
          <span>{error}</span>
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className, ...rest },
  ref,
) {
  return (
    <input
      ref={ref}
      className={controlClass(rest['aria-invalid'] === true, cx('h-10', className))}
      {...rest}
    />
  );
});

export function Select({ className, children, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <div className="relative min-w-0">
      <select
        className={controlClass(rest['aria-invalid'] === true, cx('h-10 appearance-none pr-9', className))}
        {...rest}
      >
        {children}
      </select>
      <Icon
        name="chevronDown"
        size={16}
        className="pointer-events-none absolute top-1/2 right-3 -translate-y-1/2 text-muted"
      />
    </div>
  );
}

export function TextField({
  label,
  hint,
  error,
  optional,
  className,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
}) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} className={className}>
      {(p) => <Input {...input} {...p} />}
    </Field>
  );
}

/** A search box with its magnifier icon inside, labelled like every other field (list filters). */
export function SearchField({
  label,
  className,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & { label: ReactNode }) {
  return (
    <Field label={label} className={className}>
      {(p) => (
        <div className="relative">
          <Icon
            name="search"
            size={16}
            className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-muted"
          />
          <Input {...p} type="search" className="pl-9" {...input} />
        </div>
      )}
    </Field>
  );
}

export function SelectField({
  label,
  hint,
  error,
  optional,
  className,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  optional?: boolean;
}) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} className={className}>
      {(p) => (
        <Select {...select} {...p}>
          {children}
        </Select>
      )}
    </Field>
  );
}

/**
 * The options of a select over named records (departments, areas, cameras…): an empty choice first
 * ("All departments", "No area"), then one option per record, by id. Records still loading show only the
 * empty choice.
 */
export function NamedOptions({
  none,
  items,
}: {
  none: string;
  items: readonly { id: string; name: string }[] | undefined;
}) {
  return (
    <>
      <option value="">{none}</option>
      {items?.map((item) => (
        <option key={item.id} value={item.id}>
          {item.name}
        </option>
      ))}
    </>
  );
}

export function Checkbox({
  label,
  className,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & { label: ReactNode }) {
  return (
    <label className={cx('inline-flex cursor-pointer items-center gap-2 text-sm text-fg', className)}>
      <input type="checkbox" className="h-4 w-4 rounded accent-[var(--primary)]" {...rest} />
      <span>{label}</span>
    </label>
  );
}

/** A form-level error banner (role=alert so it is announced). */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div
      role="alert"
      className="flex items-start gap-2 rounded-lg border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-danger-text"
    >
      <Icon name="alert" size={18} className="mt-0.5 shrink-0" />
      <span>{children}</span>
    </div>
  );
}
