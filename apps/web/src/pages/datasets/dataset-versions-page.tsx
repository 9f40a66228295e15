import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  Button,
  ButtonAnchor,
  ButtonLink,
  Card,
  EmptyState,
  PageHeader,
  SkeletonRows,
  TextField,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import { datasetKeys, datasetsApi } from './datasets-api';

/** Immutable snapshots of the reviewed crops, each exported as a zip for Ultralytics YOLO. */
export function DatasetVersionsPage() {
  const { t } = useTranslation();
  const time = useOrgTime();
  const canManage = useCan('video:manage');
  const versions = useQuery({ queryKey: datasetKeys.versions, queryFn: datasetsApi.versions });
  return (
    <>
      <PageHeader
        title={t('ds.versions.title')}
        description={t('ds.versions.subtitle')}
        actions={
          <div className="flex flex-wrap gap-2">
            <ButtonLink to="/videos/datasets" icon="userScan">
              {t('ds.review.title')}
            </ButtonLink>
            <ButtonLink to="/videos/models" icon="chart">
              {t('ds.models.title')}
            </ButtonLink>
          </div>
        }
      />
      {canManage ? <CreateVersion /> : null}
      {versions.isError ? (
        <Card>
          <LoadFailed error={versions.error} />
        </Card>
      ) : versions.isPending ? (
        <Card>
          <SkeletonRows />
        </Card>
      ) : versions.data.items.length === 0 ? (
        <Card>
          <EmptyState icon="folder" title={t('ds.versions.empty')} />
        </Card>
      ) : (
        <ul className="grid gap-4 xl:grid-cols-2" data-testid="ds-versions">
          {versions.data.items.map((v) => (
            <li key={v.id}>
              <Card className="h-full p-4 sm:p-5" data-testid="ds-version" data-number={v.number}>
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <h2 className="truncate text-base font-semibold text-fg">
                      {t('ds.versions.number', { number: v.number })} · {v.name}
                    </h2>
                    <p className="text-sm text-muted">{time.dateTime(v.createdAt)}</p>
                  </div>
                  {canManage ? (
                    <ButtonAnchor
                      href={datasetsApi.exportUrl(v.id)}
                      download
                      icon="download"
                      size="sm"
                      data-testid="ds-export"
                    >
                      {t('ds.versions.export')}
                    </ButtonAnchor>
                  ) : null}
                </div>
                <div className="mt-3 flex flex-wrap gap-2">
                  <Badge tone="primary">{t('ds.versions.classes', { count: v.classes.length })}</Badge>
                  <Badge tone="neutral">{t('ds.versions.faces', { count: v.faceCount })}</Badge>
                  <Badge tone="neutral">
                    {t('ds.versions.split', { percent: Math.round(v.valRatio * 100) })}
                  </Badge>
                  {v.currentFaceCount < v.faceCount ? (
                    <Badge tone="warning">
                      {t('ds.versions.erased', { count: v.faceCount - v.currentFaceCount })}
                    </Badge>
                  ) : null}
                </div>
                <p className="mt-3 truncate font-mono text-xs text-muted" title={v.contentHash}>
                  {t('ds.versions.hash', { hash: v.contentHash.slice(0, 16) })}
                </p>
                <table className="mt-3 w-full text-sm">
                  <thead>
                    <tr className="text-left text-xs text-muted">
                      <th className="py-1 font-medium">{t('ds.versions.class')}</th>
                      <th className="py-1 text-right font-medium">{t('ds.versions.train')}</th>
                      <th className="py-1 text-right font-medium">{t('ds.versions.val')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.classes.map((c) => (
                      <tr key={c.index} className="border-t border-border">
                        <td className="py-1 text-fg">{c.name ? `${c.code} · ${c.name}` : c.code}</td>
                        <td className="py-1 text-right tabular-nums">{c.train}</td>
                        <td className="py-1 text-right tabular-nums">{c.val}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function CreateVersion() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const [valPercent, setValPercent] = useState('20');
  const [minFaces, setMinFaces] = useState('4');
  const [touched, setTouched] = useState(false);
  const val = Number(valPercent);
  const min = Number(minFaces);
  const valOk = Number.isFinite(val) && val >= 5 && val <= 50;
  const minOk = Number.isInteger(min) && min >= 2 && min <= 1000;
  const create = useMutation({
    mutationFn: () =>
      datasetsApi.createVersion({ name: name.trim(), valRatio: val / 100, minFacesPerClass: min }),
    onSuccess: (v) => {
      toast.show(t('ds.versions.created', { number: v.number }));
      setName('');
      setTouched(false);
      void qc.invalidateQueries({ queryKey: datasetKeys.versions });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (name.trim() && valOk && minOk) create.mutate();
  };
  return (
    <Card className="mb-5 p-4 sm:p-5">
      <h2 className="mb-1 text-base font-semibold text-fg">{t('ds.versions.create')}</h2>
      <p className="mb-3 text-sm text-muted">{t('ds.versions.createHint')}</p>
      <form
        className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-end"
        onSubmit={submit}
      >
        <TextField
          label={t('ds.versions.name')}
          value={name}
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
          error={
            touched && !name.trim()
              ? t('validation.required')
              : create.isError
                ? errorMessage(t, create.error)
                : null
          }
          data-testid="ds-version-name"
        />
        <TextField
          label={t('ds.versions.valPercent')}
          type="number"
          min={5}
          max={50}
          value={valPercent}
          onChange={(e) => setValPercent(e.target.value)}
          error={touched && !valOk ? t('ds.versions.valRange') : null}
        />
        <TextField
          label={t('ds.versions.minFaces')}
          type="number"
          min={2}
          max={1000}
          value={minFaces}
          onChange={(e) => setMinFaces(e.target.value)}
          error={touched && !minOk ? t('ds.versions.minRange') : null}
        />
        <Button type="submit" variant="primary" loading={create.isPending} data-testid="ds-version-create">
          {t('ds.versions.createButton')}
        </Button>
      </form>
    </Card>
  );
}
