import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cx } from './cx';
import { Icon } from './icons';

export type ToastTone = 'success' | 'error' | 'info';
type ToastItem = { id: number; tone: ToastTone; message: string };
type ToastApi = {
  show: (message: string, tone?: ToastTone) => void;
  /** Drop every toast (sign-out: messages about the previous user's data must not linger). */
  clear: () => void;
};

const ToastContext = createContext<ToastApi | null>(null);

const DURATION_MS = 5000;

/** Toasts stack bottom-right (bottom on phones) inside a polite live region. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setItems((all) => all.filter((i) => i.id !== id)), []);
  const show = useCallback(
    (message: string, tone: ToastTone = 'success') => {
      const id = nextId.current++;
      setItems((all) => [...all.slice(-3), { id, tone, message }]);
      window.setTimeout(() => dismiss(id), tone === 'error' ? DURATION_MS * 2 : DURATION_MS);
    },
    [dismiss],
  );
  const clear = useCallback(() => setItems([]), []);
  const api = useMemo(() => ({ show, clear }), [show, clear]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div
        aria-live="polite"
        className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end"
      >
        {items.map((item) => (
          <div
            key={item.id}
            role={item.tone === 'error' ? 'alert' : 'status'}
            className={cx(
              'pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg',
              'border-border bg-surface text-fg',
            )}
          >
            <span
              className={cx(
                'mt-0.5 shrink-0',
                item.tone === 'success' && 'text-accent-text',
                item.tone === 'error' && 'text-danger-text',
                item.tone === 'info' && 'text-primary-text',
              )}
            >
              <Icon
                name={item.tone === 'success' ? 'check' : item.tone === 'error' ? 'alert' : 'info'}
                size={18}
              />
            </span>
            <p className="min-w-0 flex-1 break-words">{item.message}</p>
            <button
              type="button"
              onClick={() => dismiss(item.id)}
              aria-label={t('common.close')}
              className="-m-1 rounded p-1 text-muted hover:text-fg"
            >
              <Icon name="close" size={16} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast outside ToastProvider');
  return ctx;
}
