import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EMPLOYEE_IMPORT_COLUMNS, type ImportPreview } from '@hadir/contracts';
import { employeesApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { currentLocale } from '../../i18n';
import { en } from '../../i18n/en';
import { formatNumber } from '../../i18n/format';
import {
  Button,
  ButtonLink,
  Card,
  CardBody,
  CardHeader,
  cx,
  Field,
  FormError,
  Icon,
  PageHeader,
  useToast,
} from '@hadir/ui';
import { ImportColumnsReport } from './import-columns-report';

const KNOWN_ISSUE_CODES = new Set<string>(Object.keys(en.import.issueCodes));

type Result = { created: number; updated: number; skipped: number };

function Stat({ label, value, tone }: { label: string; value: number; tone?: 'good' | 'bad' }) {
  return (
    <div className="min-w-0 rounded-lg border border-border bg-surface-2/50 px-3 py-2">
      <dt className="truncate text-xs text-muted">{label}</dt>
      <dd
        className={cx(
          'text-xl font-semibold tabular-nums',
          tone === 'good' && 'text-accent-text',
          tone === 'bad' && value > 0 && 'text-danger-text',
          !tone && 'text-fg',
        )}
      >
        {formatNumber(value, currentLocale())}
      </dd>
    </div>
  );
}

/** Upload → preview with per-row issues → commit all or only valid rows → result. */
export function EmployeeImportPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [inputKey, setInputKey] = useState(0);

  const upload = useMutation({
    mutationFn: (f: File) => employeesApi.importPreview(f),
    onSuccess: (p) => setPreview(p),
  });
  const commit = useMutation({
    mutationFn: (onlyValidRows: boolean) => employeesApi.importCommit(preview?.importId ?? '', onlyValidRows),
    onSuccess: async (r) => {
      setResult(r);
      await qc.invalidateQueries({ queryKey: queryKeys.employees });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });

  const reset = () => {
    setFile(null);
    setPreview(null);
    setResult(null);
    upload.reset();
    commit.reset();
    setInputKey((k) => k + 1);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setFileError(t('import.chooseFile'));
      return;
    }
    setFileError(null);
    upload.mutate(file);
  };

  const sampleColumns = preview?.sample[0] ? Object.keys(preview.sample[0]) : [];

  return (
    <>
      <PageHeader title={t('import.title')} description={t('import.subtitle')} />
      {result ? (
        <Card>
          <CardHeader title={t('import.resultTitle')} />
          <CardBody className="space-y-4">
            <dl className="grid grid-cols-3 gap-3" data-testid="import-result">
              <Stat label={t('import.created')} value={result.created} tone="good" />
              <Stat label={t('import.updated')} value={result.updated} />
              <Stat label={t('import.skipped')} value={result.skipped} tone="bad" />
            </dl>
            <div className="flex flex-wrap gap-2">
              <ButtonLink to="/employees" variant="primary">
                {t('import.backToList')}
              </ButtonLink>
              <Button onClick={reset}>{t('import.another')}</Button>
            </div>
          </CardBody>
        </Card>
      ) : (
        <div className="space-y-4">
          <Card>
            <CardBody>
              <form onSubmit={submit} className="space-y-4">
                <Field label={t('import.file')} hint={t('import.fileHint')} error={fileError}>
                  {(p) => (
                    <input
                      {...p}
                      key={inputKey}
                      type="file"
                      name="file"
                      accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                      onChange={(e) => {
                        setFile(e.target.files?.[0] ?? null);
                        setPreview(null);
                        setFileError(null);
                      }}
                      className="block w-full text-sm text-fg file:mr-3 file:rounded-lg file:border-0 file:bg-primary-soft file:px-4 file:py-2 file:text-sm file:font-medium file:text-primary-text hover:file:bg-surface-2"
                    />
                  )}
                </Field>
                <div>
                  <p className="text-xs font-medium text-muted">{t('import.columns')}</p>
                  <p className="mt-1 flex flex-wrap gap-1">
                    {EMPLOYEE_IMPORT_COLUMNS.map((c) => (
                      <code key={c} className="rounded bg-surface-2 px-1.5 py-0.5 text-xs text-fg">
                        {c}
                      </code>
                    ))}
                  </p>
                </div>
                {upload.isError ? <FormError>{errorMessage(t, upload.error)}</FormError> : null}
                <Button type="submit" variant="primary" icon="upload" loading={upload.isPending}>
                  {upload.isPending ? t('import.uploading') : t('import.upload')}
                </Button>
              </form>
            </CardBody>
          </Card>

          {preview ? (
            <Card>
              <CardHeader title={t('import.previewTitle')} description={file?.name} />
              <CardBody className="space-y-5">
                <dl className="grid grid-cols-3 gap-2 sm:grid-cols-5 sm:gap-3" data-testid="import-stats">
                  <Stat label={t('import.totalRows')} value={preview.totalRows} />
                  <Stat label={t('import.validRows')} value={preview.validRows} tone="good" />
                  <Stat label={t('import.invalidRows')} value={preview.invalidRows} tone="bad" />
                  <Stat label={t('import.toCreate')} value={preview.toCreate} />
                  <Stat label={t('import.toUpdate')} value={preview.toUpdate} />
                </dl>

                <ImportColumnsReport preview={preview} />

                <section aria-labelledby="import-issues">
                  <h3 id="import-issues" className="mb-2 text-sm font-semibold text-fg">
                    {t('import.issuesTitle')}
                  </h3>
                  {preview.issues.length === 0 ? (
                    <p className="flex items-center gap-2 text-sm text-accent-text">
                      <Icon name="check" size={18} />
                      {t('import.noIssues')}
                    </p>
                  ) : (
                    <div className="max-h-80 overflow-auto rounded-lg border border-border">
                      <table className="w-full text-left text-sm">
                        <thead className="sticky top-0 bg-surface-2">
                          <tr>
                            <th scope="col" className="px-3 py-2 text-xs font-semibold text-muted">
                              {t('import.row')}
                            </th>
                            <th scope="col" className="px-3 py-2 text-xs font-semibold text-muted">
                              {t('import.field')}
                            </th>
                            <th scope="col" className="px-3 py-2 text-xs font-semibold text-muted">
                              {t('import.problem')}
                            </th>
                          </tr>
                        </thead>
                        <tbody className="divide-y divide-border">
                          {preview.issues.map((issue, i) => (
                            <tr key={`${issue.row}-${issue.field ?? ''}-${i}`}>
                              <td className="px-3 py-2 tabular-nums text-fg">{issue.row}</td>
                              <td className="px-3 py-2 font-mono text-xs text-muted">{issue.field ?? '—'}</td>
                              <td className="px-3 py-2">
                                <span className="font-medium text-danger-text">
                                  {KNOWN_ISSUE_CODES.has(issue.code)
                                    ? t(`import.issueCodes.${issue.code}`)
                                    : issue.code}
                                </span>
                                <span className="block text-xs text-muted">{issue.message}</span>
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </section>

                {preview.sample.length > 0 ? (
                  <section aria-labelledby="import-sample">
                    <h3 id="import-sample" className="mb-2 text-sm font-semibold text-fg">
                      {t('import.sampleTitle')}
                    </h3>
                    <div className="overflow-x-auto rounded-lg border border-border">
                      <table className="w-full text-left text-xs">
                        <thead className="bg-surface-2">
                          <tr>
                            {sampleColumns.map((c) => (
                              <th
                                key={c}
                                scope="col"
                                className="px-3 py-2 font-mono font-semibold whitespace-nowrap text-muted"
                              >
                                {c}
                              </th>
                            ))}
                          </tr>
                        </thead>
                        <tbody className="divide-y divide-border">
                          {preview.sample.map((row, i) => (
                            <tr key={i}>
                              {sampleColumns.map((c) => (
                                <td key={c} className="px-3 py-2 whitespace-nowrap text-fg">
                                  {row[c] ?? ''}
                                </td>
                              ))}
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </section>
                ) : null}

                {preview.invalidRows > 0 ? (
                  <p className="text-sm text-muted">{t('import.cannotCommitAll')}</p>
                ) : null}
                <div className="flex flex-wrap gap-2">
                  <Button
                    variant="primary"
                    onClick={() => commit.mutate(false)}
                    disabled={preview.invalidRows > 0 || commit.isPending}
                    loading={commit.isPending && commit.variables === false}
                  >
                    {t('import.commitAll')}
                  </Button>
                  {preview.invalidRows > 0 && preview.validRows > 0 ? (
                    <Button
                      variant="accent"
                      onClick={() => commit.mutate(true)}
                      disabled={commit.isPending}
                      loading={commit.isPending && commit.variables === true}
                    >
                      {t('import.commitValid')}
                    </Button>
                  ) : null}
                  <ButtonLink to="/employees">{t('common.cancel')}</ButtonLink>
                </div>
              </CardBody>
            </Card>
          ) : null}
        </div>
      )}
    </>
  );
}
