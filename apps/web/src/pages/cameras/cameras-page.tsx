import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CameraState, CameraTestSourceResponse, CameraView } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { formatNumber } from '../../i18n/format';
import {
  Badge,
  type BadgeTone,
  Button,
  Card,
  EmptyState,
  Checkbox,
  FormError,
  TextField,
  ConfirmDialog,
  FormModal,
  PageHeader,
  Skeleton,
  useToast,
} from '@hadir/ui';
import { useLiveEvents, useLiveStatus } from '../../live/use-live';
import { cameraSlug } from './camera-form-rules';
import { camerasApi, dashKeys } from '../dashboard/dashboard-api';
import { LiveIndicator } from '../dashboard/live-indicator';
import { RelativeTime } from '../dashboard/live-dashboard-page';

export const CAMERA_TONE: Record<CameraState, BadgeTone> = {
  online: 'success',
  degraded: 'warning',
  offline: 'danger',
  disabled: 'slate',
  starting: 'primary',
};

/** Each camera's health with its latest frame, and (for camera:manage) add, edit, enable and remove. */
export function CamerasPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canManage = useCan('camera:manage');
  const live = useLiveStatus();
  const [editing, setEditing] = useState<CameraView | 'new' | null>(null);
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setTick(Date.now()), 5000);
    return () => clearInterval(id);
  }, []);
  const list = useQuery({
    queryKey: dashKeys.cameras,
    queryFn: camerasApi.list,
    refetchInterval: live === 'open' ? false : 10_000,
  });
  useLiveEvents((m) => {
    if (m.type === 'camera.status' || m.type === 'camera.removed') {
      qc.setQueryData<CameraView[]>(dashKeys.cameras, (old) => {
        if (!old) return old;
        if (m.type === 'camera.removed') return old.filter((c) => c.id !== m.cameraId);
        const i = old.findIndex((c) => c.id === m.camera.id);
        return i < 0 ? [...old, m.camera] : old.map((c, j) => (j === i ? m.camera : c));
      });
    }
  });

  return (
    <>
      <PageHeader
        title={t('dash.cameras.title')}
        description={t('dash.cameras.subtitle')}
        actions={
          <>
            <LiveIndicator />
            {canManage ? (
              <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
                {t('dash.cameras.add')}
              </Button>
            ) : null}
          </>
        }
      />
      {list.error ? <FormError>{errorMessage(t, list.error)}</FormError> : null}
      {list.isPending ? (
        <div className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3">
          {[0, 1].map((i) => (
            <Skeleton key={i} className="h-72" />
          ))}
        </div>
      ) : list.data && list.data.length === 0 ? (
        <Card>
          <EmptyState
            icon="camera"
            title={t('dash.cameras.empty')}
            description={t('dash.cameras.emptyHint')}
          />
        </Card>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3">
          {list.data?.map((c) => (
            <CameraCard
              key={c.id}
              camera={c}
              tick={tick}
              onEdit={() => setEditing(c)}
              canManage={canManage}
            />
          ))}
        </ul>
      )}
      {editing ? (
        <CameraForm camera={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}

function CameraCard({
  camera: c,
  tick,
  onEdit,
  canManage,
}: {
  camera: CameraView;
  tick: number;
  onEdit: () => void;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const locale = currentLocale();
  const [imgOk, setImgOk] = useState(true);
  const [confirm, setConfirm] = useState(false);
  useEffect(() => setImgOk(true), [tick]);
  // The toast follows what was asked, not `c`: a live update can re-render with the new state first.
  const toggle = useMutation({
    mutationFn: (enable: boolean) => camerasApi.update(c.id, { enabled: enable }),
    onSuccess: async (_saved, enable) => {
      toast.show(
        enable
          ? t('dash.cameras.enabledToast', { name: c.name })
          : t('dash.cameras.disabledToast', { name: c.name }),
      );
      await qc.invalidateQueries({ queryKey: dashKeys.cameras });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const remove = useMutation({
    mutationFn: () => camerasApi.remove(c.id),
    onSuccess: async () => {
      setConfirm(false);
      toast.show(t('dash.cameras.removed', { name: c.name }));
      await qc.invalidateQueries({ queryKey: dashKeys.cameras });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const s = c.status;
  const fps = (v: number) => formatNumber(v, locale, { maximumFractionDigits: 1 });
  const showFrame = c.enabled && s.lastFrameAt && imgOk;
  return (
    <li className="min-w-0" data-testid="camera-card" data-camera-id={c.id} data-state={s.state}>
      <Card className="flex h-full flex-col overflow-hidden">
        <div className="relative aspect-video bg-surface-2">
          {showFrame ? (
            <img
              src={camerasApi.snapshotUrl(c.id, tick)}
              alt={t('dash.cameras.frameAlt', { name: c.name })}
              className="h-full w-full object-cover"
              onError={() => setImgOk(false)}
            />
          ) : (
            <div className="flex h-full items-center justify-center p-4 text-center text-sm text-muted">
              {c.enabled ? t('dash.cameras.noFrame') : t('dash.cameras.state.disabled')}
            </div>
          )}
          <span className="absolute top-2 left-2">
            <Badge tone={CAMERA_TONE[s.state]} dot>
              {t(`dash.cameras.state.${s.state}`)}
            </Badge>
          </span>
        </div>
        <div className="flex flex-1 flex-col gap-2 p-4">
          <div className="min-w-0">
            <h2 className="truncate text-base font-semibold text-fg">{c.name}</h2>
            <p className="truncate font-mono text-xs text-muted">
              {c.id}
              {c.area ? ` · ${c.area}` : ''}
            </p>
          </div>
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
            <dt className="text-muted">{t('dash.cameras.fps')}</dt>
            <dd className="text-right text-fg tabular-nums">
              {c.enabled ? `${fps(s.measuredFps)} / ${fps(s.targetFps)}` : '—'}
            </dd>
            <dt className="text-muted">{t('dash.cameras.analyzed')}</dt>
            <dd className="text-right text-fg tabular-nums">{formatNumber(s.framesAnalyzed, locale)}</dd>
            <dt className="text-muted">{t('dash.cameras.dropped')}</dt>
            <dd className="text-right text-fg tabular-nums">{formatNumber(s.framesDropped, locale)}</dd>
            <dt className="text-muted">{t('dash.cameras.restarts')}</dt>
            <dd className="text-right text-fg tabular-nums">{formatNumber(s.restarts, locale)}</dd>
            <dt className="text-muted">{t('dash.cameras.lastFrame')}</dt>
            <dd className="text-right text-fg">
              {s.lastFrameAt ? <RelativeTime iso={s.lastFrameAt} /> : '—'}
            </dd>
          </dl>
          {s.lastError ? (
            <p className="rounded-md bg-danger-soft px-2 py-1 text-xs break-words text-danger-text">
              {t('dash.cameras.lastError')}: {s.lastError}
            </p>
          ) : null}
          {!c.valid && c.issues.length > 0 ? (
            <ul className="rounded-md bg-warning-soft px-2 py-1 text-xs break-words text-warning-text">
              {c.issues.map((i) => (
                <li key={i}>{i}</li>
              ))}
            </ul>
          ) : null}
          {canManage ? (
            <div className="mt-auto flex flex-wrap gap-2 pt-2">
              <Button size="sm" icon="edit" onClick={onEdit}>
                {t('common.edit')}
              </Button>
              <Button size="sm" loading={toggle.isPending} onClick={() => toggle.mutate(!c.enabled)}>
                {c.enabled ? t('dash.cameras.disable') : t('dash.cameras.enable')}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                icon="trash"
                className="text-danger-text"
                onClick={() => setConfirm(true)}
              >
                {t('common.delete')}
              </Button>
            </div>
          ) : null}
        </div>
      </Card>
      <ConfirmDialog
        open={confirm}
        title={t('dash.cameras.removeTitle', { name: c.name })}
        body={t('dash.cameras.removeBody')}
        confirmLabel={t('common.delete')}
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setConfirm(false)}
      />
    </li>
  );
}

function numberOrUndefined(v: string): number | undefined {
  if (v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function CameraForm({ camera, onClose }: { camera: CameraView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [id, setId] = useState(camera?.id ?? '');
  // A new camera's id follows its name until the user edits the id themselves.
  const [idEdited, setIdEdited] = useState(false);
  const [name, setName] = useState(camera?.name ?? '');
  const [area, setArea] = useState(camera?.area ?? '');
  // The API masks passwords; an unchanged masked source is not sent back.
  const [source, setSource] = useState(camera?.source ?? '');
  const [enabled, setEnabled] = useState(camera?.enabled ?? true);
  const [fps, setFps] = useState(camera?.analysisFps?.toString() ?? '');
  const [minFace, setMinFace] = useState(camera?.minFacePx?.toString() ?? '');
  const [probe, setProbe] = useState<CameraTestSourceResponse | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const test = useMutation({
    mutationFn: () => camerasApi.testSource(source.trim()),
    onMutate: () => setProbe(null),
    onSuccess: setProbe,
    onError: (e) => setProbe({ ok: false, error: errorMessage(t, e), elapsedMs: 0 }),
  });
  const save = useMutation({
    mutationFn: async () => {
      const common = {
        name: name.trim(),
        enabled,
        ...(area.trim() ? { area: area.trim() } : {}),
        ...(numberOrUndefined(fps) !== undefined ? { analysisFps: numberOrUndefined(fps) } : {}),
        ...(numberOrUndefined(minFace) !== undefined ? { minFacePx: numberOrUndefined(minFace) } : {}),
      };
      if (!camera) return camerasApi.create({ id: id.trim(), source: source.trim(), ...common });
      return camerasApi.update(camera.id, {
        ...common,
        ...(source.trim() !== camera.source ? { source: source.trim() } : {}),
      });
    },
    onSuccess: async (saved) => {
      toast.show(t('dash.cameras.saved', { name: saved.name }));
      await qc.invalidateQueries({ queryKey: dashKeys.cameras });
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError) setErrors(e.fieldErrors());
      setFormError(errorMessage(t, e));
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const next: Record<string, string> = {};
    if (!camera && !/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(id.trim()))
      next.id = t('dash.cameras.idInvalid');
    if (!name.trim()) next.name = t('validation.required');
    if (!source.trim()) next.source = t('validation.required');
    setErrors(next);
    setFormError(null);
    if (Object.keys(next).length === 0) save.mutate();
  };
  const formId = 'camera-form';
  return (
    <FormModal
      open
      onClose={onClose}
      size="lg"
      title={camera ? t('dash.cameras.editTitle', { name: camera.name }) : t('dash.cameras.add')}
      formId={formId}
      onSubmit={submit}
      formClassName="grid gap-4 sm:grid-cols-2"
      submitLabel={t('common.save')}
      submitting={save.isPending}
    >
      {formError ? (
        <div className="sm:col-span-2">
          <FormError>{formError}</FormError>
        </div>
      ) : null}
      <TextField
        label={t('dash.cameras.form.id')}
        hint={!camera && !idEdited ? t('fh.cameras.idFromName') : t('dash.cameras.form.idHint')}
        value={id}
        onChange={(e) => {
          setIdEdited(true);
          setId(e.target.value.toLowerCase());
        }}
        disabled={!!camera}
        error={errors.id}
        autoComplete="off"
      />
      <TextField
        label={t('dash.cameras.form.name')}
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          if (!camera && !idEdited) setId(cameraSlug(e.target.value));
        }}
        error={errors.name}
      />
      <div className="space-y-2 sm:col-span-2">
        <TextField
          label={t('dash.cameras.form.source')}
          hint={t('dash.cameras.form.sourceHint')}
          value={source}
          onChange={(e) => {
            setSource(e.target.value);
            setProbe(null);
          }}
          error={errors.source}
          autoComplete="off"
          spellCheck={false}
        />
        <div className="flex flex-wrap items-center gap-3">
          <Button size="sm" onClick={() => test.mutate()} loading={test.isPending} disabled={!source.trim()}>
            {test.isPending ? t('dash.cameras.testing') : t('dash.cameras.testSource')}
          </Button>
          {probe ? (
            <p
              role="status"
              className={probe.ok ? 'text-sm text-accent-text' : 'text-sm break-words text-danger-text'}
            >
              {probe.ok
                ? t('dash.cameras.testOk', {
                    width: probe.width,
                    height: probe.height,
                    codec: probe.codec,
                    ms: Math.round(probe.elapsedMs),
                  })
                : t('dash.cameras.testFailed', { error: probe.error })}
            </p>
          ) : null}
        </div>
        {probe?.ok && probe.warnings.length > 0 ? (
          <ul className="space-y-1" data-testid="stream-warnings">
            {probe.warnings.map((w) => (
              <li
                key={w.code}
                role="alert"
                className="rounded-md bg-warning-soft px-2 py-1 text-sm text-warning-text"
              >
                {w.code === 'low_resolution'
                  ? t('fh.cameras.lowResolution', {
                      width: probe.width,
                      height: probe.height,
                      minimum: w.minimum,
                      recommended: w.recommended,
                    })
                  : t('fh.cameras.lowFps', {
                      fps: w.measured,
                      minimum: w.minimum,
                      recommended: w.recommended,
                    })}
              </li>
            ))}
          </ul>
        ) : null}
        {probe?.ok && probe.previewJpeg ? (
          <figure className="space-y-1">
            <img
              src={probe.previewJpeg}
              alt={t('fh.cameras.previewAlt')}
              data-testid="source-preview"
              className="block max-h-64 w-auto max-w-full rounded-md border border-border bg-surface-2"
            />
            <figcaption className="text-xs text-muted">{t('fh.cameras.previewNote')}</figcaption>
          </figure>
        ) : null}
      </div>
      <TextField
        label={t('dash.cameras.form.area')}
        optional
        value={area}
        onChange={(e) => setArea(e.target.value)}
        error={errors.area}
      />
      <TextField
        label={t('dash.cameras.form.fps')}
        hint={t('dash.cameras.form.fpsHint')}
        optional
        type="number"
        min={0.2}
        max={30}
        step={0.1}
        inputMode="decimal"
        value={fps}
        onChange={(e) => setFps(e.target.value)}
        error={errors.analysisFps}
      />
      <TextField
        label={t('dash.cameras.form.minFace')}
        hint={t('dash.cameras.form.minFaceHint')}
        optional
        type="number"
        min={16}
        max={1024}
        inputMode="numeric"
        value={minFace}
        onChange={(e) => setMinFace(e.target.value)}
        error={errors.minFacePx}
      />
      <div className="flex items-end pb-2">
        <Checkbox
          label={t('dash.cameras.form.enabled')}
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
      </div>
    </FormModal>
  );
}
