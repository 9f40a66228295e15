import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DatasetModel } from '@hadir/contracts';
import { orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import { useLiveEvents } from '../../live/use-live';
import {
  Badge,
  type BadgeTone,
  Button,
  ButtonAnchor,
  ButtonLink,
  Card,
  Checkbox,
  EmptyState,
  FormModal,
  PageHeader,
  SelectField,
  SkeletonRows,
  TextField,
  useToast,
} from '@hadir/ui';
import { DateField } from '../../ui/date-field';
import { localTimeToIso } from '../attendance/day-correction-fields';
import { LoadFailed } from '../shared/load-failed';
import { videoKeys, videosApi } from '../videos/videos-api';
import { datasetKeys, datasetsApi } from './datasets-api';
import { LossAndAccuracy, MetricsView } from './model-charts';
import { CompareModels } from './model-compare';
import { TrainForm } from './train-form';

const STATUS_TONE: Record<DatasetModel['status'], BadgeTone> = {
  queued: 'neutral',
  training: 'primary',
  ready: 'success',
  failed: 'danger',
  cancelled: 'slate',
};

/** Train heads on a dataset version, watch them learn, compare, activate, export/import, apply. */
export function ModelsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const canManage = useCan('video:manage');
  const models = useQuery({ queryKey: datasetKeys.models, queryFn: datasetsApi.models });
  const [compare, setCompare] = useState<string[]>([]);
  const file = useRef<HTMLInputElement>(null);

  // Epochs arrive over the WebSocket: append them to the model in the cache, refetch when it ends.
  useLiveEvents((m) => {
    if (m.type !== 'dataset.progress' || m.kind !== 'train') return;
    const point = m.point;
    if (point) {
      qc.setQueryData<{ items: DatasetModel[] }>(datasetKeys.models, (old) =>
        old
          ? {
              items: old.items.map((x) =>
                x.id === m.id && !x.progress.some((p) => p.epoch === point.epoch)
                  ? { ...x, status: 'training', progress: [...x.progress, point] }
                  : x,
              ),
            }
          : old,
      );
    }
    if (m.status !== 'running' && m.status !== 'training')
      void qc.invalidateQueries({ queryKey: datasetKeys.models });
  });

  const importModel = useMutation({
    mutationFn: async (f: File) => datasetsApi.importModel(JSON.parse(await f.text()) as unknown),
    onSuccess: (m) => {
      toast.show(t('ds.models.imported', { number: m.number }));
      void qc.invalidateQueries({ queryKey: datasetKeys.models });
    },
    onError: (e) =>
      toast.show(e instanceof SyntaxError ? t('ds.models.badFile') : errorMessage(t, e), 'error'),
  });
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f) importModel.mutate(f);
    e.target.value = '';
  };
  const items = models.data?.items ?? [];
  const pair = compare
    .map((id) => items.find((m) => m.id === id))
    .filter((m): m is DatasetModel => Boolean(m));

  return (
    <>
      <PageHeader
        title={t('ds.models.title')}
        description={t('ds.models.subtitle')}
        actions={
          <div className="flex flex-wrap gap-2">
            <ButtonLink to="/videos/datasets/versions" icon="folder">
              {t('ds.versions.title')}
            </ButtonLink>
            {canManage ? (
              <>
                <Button icon="upload" onClick={() => file.current?.click()} loading={importModel.isPending}>
                  {t('ds.models.import')}
                </Button>
                <input
                  ref={file}
                  type="file"
                  accept="application/json,.json"
                  className="hidden"
                  onChange={onFile}
                  aria-label={t('ds.models.import')}
                  data-testid="model-import"
                />
              </>
            ) : null}
          </div>
        }
      />
      {canManage ? <TrainForm /> : null}
      {pair.length === 2 ? <CompareModels a={pair[0]!} b={pair[1]!} onClose={() => setCompare([])} /> : null}
      {models.isError ? (
        <Card>
          <LoadFailed error={models.error} />
        </Card>
      ) : models.isPending ? (
        <Card>
          <SkeletonRows />
        </Card>
      ) : items.length === 0 ? (
        <Card>
          <EmptyState icon="chart" title={t('ds.models.empty')} />
        </Card>
      ) : (
        <ul className="space-y-4" data-testid="models">
          {items.map((m) => (
            <ModelCard
              key={m.id}
              model={m}
              canManage={canManage}
              comparing={compare.includes(m.id)}
              onCompare={(on) =>
                setCompare((c) =>
                  on ? [...c.filter((x) => x !== m.id), m.id].slice(-2) : c.filter((x) => x !== m.id),
                )
              }
            />
          ))}
        </ul>
      )}
    </>
  );
}

function ModelCard({
  model: m,
  canManage,
  comparing,
  onCompare,
}: {
  model: DatasetModel;
  canManage: boolean;
  comparing: boolean;
  onCompare: (on: boolean) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const time = useOrgTime();
  const [open, setOpen] = useState(m.status === 'training' || m.status === 'queued');
  const [applying, setApplying] = useState(false);
  const refresh = () => void qc.invalidateQueries({ queryKey: datasetKeys.models });
  const fail = (e: unknown) => toast.show(errorMessage(t, e), 'error');
  const cancel = useMutation({
    mutationFn: () => datasetsApi.cancel(m.id),
    onSuccess: refresh,
    onError: fail,
  });
  const activate = useMutation({
    mutationFn: (body: { library?: boolean; live?: boolean }) => datasetsApi.activate(m.id, body),
    onSuccess: refresh,
    onError: fail,
  });
  const running = m.status === 'training' || m.status === 'queued';
  const last = m.progress.at(-1);
  return (
    <li>
      <Card className="p-4 sm:p-5" data-testid="model-card" data-number={m.number} data-status={m.status}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h2 className="text-base font-semibold text-fg">
              {t('ds.models.number', { number: m.number })} · {t(`ds.method.${m.method}`)}
            </h2>
            <p className="text-sm text-muted">{time.dateTime(m.createdAt)}</p>
            <div className="mt-2 flex flex-wrap gap-2">
              <Badge tone={STATUS_TONE[m.status]} dot>
                {t(`ds.status.${m.status}`)}
              </Badge>
              {m.metrics ? (
                <Badge tone="primary">
                  {t('ds.models.accuracyBadge', { value: (m.metrics.accuracy * 100).toFixed(1) })}
                </Badge>
              ) : null}
              {m.activeLibrary ? <Badge tone="success">{t('ds.models.activeLibrary')}</Badge> : null}
              {m.activeLive ? <Badge tone="success">{t('ds.models.activeLive')}</Badge> : null}
              {m.imported ? <Badge tone="slate">{t('ds.models.importedBadge')}</Badge> : null}
              {running && last ? (
                <Badge tone="neutral">
                  {t('ds.models.epochOf', { epoch: last.epoch, total: m.params.epochs })}
                </Badge>
              ) : null}
            </div>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {m.status === 'ready' ? (
              <Checkbox
                label={t('ds.models.compare')}
                checked={comparing}
                onChange={(e) => onCompare(e.target.checked)}
              />
            ) : null}
            <Button size="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
              {open ? t('ds.models.hide') : t('ds.models.details')}
            </Button>
            {canManage && running ? (
              <Button
                size="sm"
                variant="danger"
                onClick={() => cancel.mutate()}
                loading={cancel.isPending}
                data-testid="model-cancel"
              >
                {t('common.cancel')}
              </Button>
            ) : null}
          </div>
        </div>
        {m.error ? <p className="mt-2 text-sm text-danger-text">{m.error}</p> : null}
        {canManage && m.status === 'ready' ? (
          <div className="mt-3 flex flex-wrap gap-2 border-t border-border pt-3">
            <Button
              size="sm"
              variant={m.activeLibrary ? 'secondary' : 'primary'}
              onClick={() => activate.mutate({ library: !m.activeLibrary })}
              data-testid="activate-library"
            >
              {m.activeLibrary ? t('ds.models.deactivateLibrary') : t('ds.models.activateLibrary')}
            </Button>
            <Button
              size="sm"
              variant={m.activeLive ? 'secondary' : 'primary'}
              onClick={() => activate.mutate({ live: !m.activeLive })}
              data-testid="activate-live"
            >
              {m.activeLive ? t('ds.models.deactivateLive') : t('ds.models.activateLive')}
            </Button>
            <Button size="sm" icon="play" onClick={() => setApplying(true)} data-testid="model-apply">
              {t('ds.models.apply')}
            </Button>
            <ButtonAnchor
              size="sm"
              icon="download"
              href={datasetsApi.exportModelUrl(m.id)}
              download
              data-testid="model-export"
            >
              {t('ds.models.export')}
            </ButtonAnchor>
            <ButtonAnchor
              size="sm"
              icon="download"
              href={datasetsApi.exportOnnxUrl(m.id)}
              download
              data-testid="model-export-onnx"
            >
              {t('ds.models.exportOnnx')}
            </ButtonAnchor>
          </div>
        ) : null}
        {open ? (
          <div className="mt-4 space-y-4 border-t border-border pt-4">
            <ParamsLine model={m} />
            {m.progress.length > 1 ? <LossAndAccuracy points={m.progress} /> : null}
            {m.metrics ? (
              <MetricsView metrics={m.metrics} threshold={m.threshold} classes={m.classes} />
            ) : null}
          </div>
        ) : null}
      </Card>
      {applying ? <ApplyDialog model={m} onClose={() => setApplying(false)} /> : null}
    </li>
  );
}

function ParamsLine({ model: m }: { model: DatasetModel }) {
  const { t } = useTranslation();
  const p = m.params;
  return (
    <p className="text-xs text-muted tabular-nums">
      {m.method === 'centroid'
        ? t('ds.models.paramsCentroid', { far: p.targetFar })
        : t('ds.models.paramsLine', {
            epochs: p.epochs,
            lr: p.learningRate,
            batch: p.batchSize,
            l2: p.l2,
            far: p.targetFar,
          })}
      {m.method === 'mlp' ? ` · ${t('ds.train.hiddenUnits')} ${p.hiddenUnits}` : ''}
      {' · '}
      <span className="font-mono" title={m.datasetHash}>
        {m.datasetHash.slice(0, 12)}
      </span>
    </p>
  );
}

/** "YYYY-MM-DD" and "HH:MM" of an instant in the organization's zone (to prefill the recording time). */
function localParts(iso: string | null, timeZone: string | undefined): { date: string; time: string } {
  if (!iso) return { date: '', time: '' };
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/**
 * Name a video's persons with this model; the result lists who was named and who was refused. With the
 * organization's library attendance on, the user may also record the named employees' attendance at the
 * video's recording time (from the file, or entered here when the file does not say).
 */
function ApplyDialog({ model, onClose }: { model: DatasetModel; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const orgTime = useOrgTime();
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get, staleTime: 60_000 });
  const videos = useQuery({ queryKey: videoKeys.list(null), queryFn: () => videosApi.list(null) });
  const ready = (videos.data?.items ?? []).filter((v) => v.status === 'ready');
  const [videoId, setVideoId] = useState('');
  const [record, setRecord] = useState(false);
  const [when, setWhen] = useState({ date: '', time: '' });
  const [missing, setMissing] = useState(false);
  const chosen = ready.find((v) => v.id === videoId) ?? null;
  const attendanceOn = org.data?.settings.libraryAttendance === true;
  const apply = useMutation({
    mutationFn: () => {
      const recordedAt =
        record && when.date && when.time ? localTimeToIso(when.date, when.time, orgTime.timeZone) : null;
      return datasetsApi.apply(videoId, {
        modelId: model.id,
        recordAttendance: record,
        ...(recordedAt ? { recordedAt } : {}),
      });
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: videoKeys.all }),
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('ds.models.applyTitle', { number: model.number })}
      description={t('ds.models.applyHint')}
      formId="model-apply"
      submitLabel={t('ds.models.apply')}
      submitting={apply.isPending}
      formClassName="space-y-4"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const needsTime = record && (!when.date || !when.time);
        setMissing(needsTime);
        if (videoId && !needsTime) apply.mutate();
      }}
    >
      <SelectField
        label={t('ds.review.video')}
        value={videoId}
        onChange={(e) => {
          setVideoId(e.target.value);
          const v = ready.find((x) => x.id === e.target.value);
          setWhen(localParts(v?.recordedAt ?? null, orgTime.timeZone));
          apply.reset();
        }}
        error={apply.isError ? errorMessage(t, apply.error) : null}
        data-testid="apply-video"
      >
        <option value="">{t('ds.review.choose')}</option>
        {ready.map((v) => (
          <option key={v.id} value={v.id}>
            {v.title}
          </option>
        ))}
      </SelectField>
      {attendanceOn ? (
        <div className="space-y-3 rounded-lg border border-border p-3">
          <Checkbox
            label={t('ds.models.attendance')}
            checked={record}
            onChange={(e) => setRecord(e.target.checked)}
            data-testid="apply-attendance"
          />
          <p className="text-sm text-muted">{t('ds.models.attendanceHint')}</p>
          {record ? (
            <>
              <p className="text-sm text-fg" data-testid="apply-recorded-source">
                {chosen?.recordedAt
                  ? t('ds.models.recordedFromFile', { when: orgTime.dateTime(chosen.recordedAt) })
                  : t('ds.models.recordedNeeded')}
              </p>
              <div className="grid gap-3 sm:grid-cols-2">
                <DateField
                  label={t('ds.models.recordedDate')}
                  value={when.date}
                  onChange={(v) => setWhen((w) => ({ ...w, date: v }))}
                  error={missing && !when.date ? t('validation.required') : null}
                />
                <TextField
                  label={t('ds.models.recordedTime')}
                  type="time"
                  value={when.time}
                  onChange={(e) => setWhen((w) => ({ ...w, time: e.target.value }))}
                  error={missing && !when.time ? t('validation.required') : null}
                  data-testid="apply-recorded-time"
                />
              </div>
            </>
          ) : null}
        </div>
      ) : null}
      {apply.data ? (
        <>
          {apply.data.attendance ? (
            <p className="text-sm font-medium text-fg" role="status" data-testid="apply-attendance-result">
              {t('ds.models.attendanceDone', {
                count: apply.data.attendance.events,
                employees: apply.data.attendance.employees,
                when: orgTime.dateTime(apply.data.attendance.recordedAt),
              })}
            </p>
          ) : null}
          <ul className="space-y-1 text-sm" data-testid="apply-result">
            {apply.data.persons.map((p) => (
              <li key={p.personId} className="flex justify-between gap-2">
                <span className="text-fg">{p.code}</span>
                <span className={p.accepted ? 'font-medium text-fg' : 'text-muted'}>
                  {p.accepted ? p.label : t('ds.models.unknown')} · {p.score.toFixed(2)}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </FormModal>
  );
}
