import { useTranslation } from 'react-i18next';
import type { ImportPreview } from '@hadir/contracts';
import { Icon } from '@hadir/ui';

/** Which columns the import understood, which fields it knows, and the columns it will not import. */
export function ImportColumnsReport({ preview }: { preview: ImportPreview }) {
  const { t } = useTranslation();
  return (
    <section className="space-y-3" data-testid="import-columns">
      {preview.unrecognizedColumns.length > 0 ? (
        <p
          className="flex items-start gap-2 rounded-lg bg-warning-soft px-3 py-2 text-sm text-warning-text"
          role="status"
        >
          <Icon name="alert" size={16} className="mt-0.5 shrink-0" />
          <span>
            {t('lv.importColumns.unrecognized', { columns: preview.unrecognizedColumns.join(', ') })}
          </span>
        </p>
      ) : null}
      <details className="rounded-lg border border-border px-3 py-2">
        <summary className="cursor-pointer text-sm font-medium text-fg">
          {t('lv.importColumns.understood')}
        </summary>
        <ul className="mt-2 space-y-1 text-sm">
          {preview.understood.map((u) => (
            <li key={u.field} className="flex flex-wrap gap-x-2">
              <code className="rounded bg-surface-2 px-1.5 py-0.5 text-xs text-fg">{u.field}</code>
              <span className={u.header ? 'text-accent-text' : 'text-muted'}>
                {u.header ? t('lv.importColumns.found', { header: u.header }) : t('lv.importColumns.missing')}
              </span>
              <span className="text-xs text-muted">{u.accepts.join(' · ')}</span>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
