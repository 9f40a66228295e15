import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type {
  EnrolFaceChoice,
  EnrolResponse,
  EnrolSource,
  FaceDuplicateConflict,
  FaceSample,
} from '@hadir/contracts';
import { employeesApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  Button,
  ButtonLink,
  Card,
  CardBody,
  CardHeader,
  EmptyState,
  FormError,
  TextField,
  Icon,
  ConfirmDialog,
  Modal,
  PageHeader,
  Skeleton,
  useToast,
} from '@hadir/ui';
import { dashKeys, facesApi } from '../dashboard/dashboard-api';
import { CameraCapture, type CapturedPhoto } from './camera-capture';
import { DuplicateWarning, SampleReview, duplicateConflictOf } from './face-review';
import { FacePicker } from './face-picker';
import { FaceQualitySummary } from './face-quality';

/** /employees/:id/faces — enrolled samples, upload, guided camera capture and biometric erasure. */
export function FaceEnrolmentPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const toast = useToast();
  const canRegister = useCan('member:face:register');
  const canReview = useCan('member:face:review');
  const employee = useQuery({ queryKey: queryKeys.employee(id), queryFn: () => employeesApi.get(id) });
  const samples = useQuery({ queryKey: dashKeys.faces(id), queryFn: () => facesApi.list(id) });
  const engine = useQuery({ queryKey: dashKeys.faceEngine, queryFn: facesApi.engine, staleTime: 60_000 });
  const [results, setResults] = useState<EnrolResponse | null>(null);
  const [mode, setMode] = useState<'upload' | 'camera'>('upload');
  const [toDelete, setToDelete] = useState<FaceSample | null>(null);
  const [erase, setErase] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  // A refused look-alike keeps its photos here until the user confirms or drops them.
  const [duplicate, setDuplicate] = useState<{
    conflict: FaceDuplicateConflict;
    files: { blob: Blob; name: string }[];
    source: EnrolSource;
  } | null>(null);
  // The photos of the last upload, kept in the page so a face can be chosen from a group photo.
  const [lastUpload, setLastUpload] = useState<{
    files: { blob: Blob; name: string }[];
    source: EnrolSource;
  } | null>(null);

  const refresh = () => qc.invalidateQueries({ queryKey: dashKeys.faces(id) });
  const enrol = useMutation({
    mutationFn: ({
      files,
      source,
      allowDuplicate = false,
      faceBox,
    }: {
      files: { blob: Blob; name: string }[];
      source: EnrolSource;
      allowDuplicate?: boolean;
      faceBox?: EnrolFaceChoice['box'];
    }) => facesApi.enrol(id, files, source, allowDuplicate, faceBox),
    onMutate: () => {
      setResults(null);
      setDuplicate(null);
    },
    onSuccess: async (r, vars) => {
      setResults(r);
      setLastUpload({ files: vars.files, source: vars.source });
      toast.show(
        t('dash.faces.enrolResult', {
          accepted: r.accepted,
          total: r.results.length,
          count: r.results.length,
        }),
        r.accepted > 0
          ? 'success'
          : r.results.some((x) => x.code === 'several_faces' && x.faces?.length)
            ? 'info'
            : 'error',
      );
      await refresh();
    },
    onError: (e, vars) => {
      const conflict = duplicateConflictOf(e);
      if (conflict) setDuplicate({ conflict, files: vars.files, source: vars.source });
      else toast.show(errorMessage(t, e), 'error');
    },
  });
  const remove = useMutation({
    mutationFn: (s: FaceSample) => facesApi.remove(id, s.id),
    onSuccess: async () => {
      setToDelete(null);
      toast.show(t('dash.faces.sampleDeleted'));
      await refresh();
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });

  const name = employee.data?.name ?? '';
  // The first photo of the last upload that showed several faces: the user picks one to enrol.
  const choice = results?.results.find((r) => r.code === 'several_faces' && r.faces?.length && r.imageSize);
  return (
    <>
      <PageHeader
        title={t('dash.faces.title')}
        description={employee.data ? `${employee.data.name} · ${employee.data.employeeCode}` : undefined}
        actions={
          <ButtonLink to="/employees" icon="chevronLeft">
            {t('dash.faces.backToEmployees')}
          </ButtonLink>
        }
      />
      {engine.data && !engine.data.enabled ? (
        <div className="mb-4">
          <FormError>{t('dash.faces.engineOff', { reason: engine.data.reason })}</FormError>
        </div>
      ) : null}
      {employee.error ? <FormError>{errorMessage(t, employee.error)}</FormError> : null}
      {engine.data?.enabled && engine.data.pack && engine.data.license ? (
        <p
          className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted"
          data-testid="face-pack"
        >
          <span>{t('fh.facePack.active', { pack: engine.data.pack })}</span>
          <Badge tone={engine.data.license.commercialUse ? 'success' : 'warning'}>
            {engine.data.license.commercialUse
              ? t('fh.facePack.commercialYes')
              : t('fh.facePack.commercialNo')}
          </Badge>
          <span className="min-w-0 basis-full text-xs sm:basis-auto">
            {t('fh.facePack.licence', { licence: engine.data.license.name })}
          </span>
        </p>
      ) : null}

      <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        {canRegister ? (
          <Card className="min-w-0">
            <CardHeader title={t('dash.faces.addTitle')} description={t('dash.faces.addHint')} />
            <CardBody className="space-y-4">
              <div
                role="tablist"
                aria-label={t('dash.faces.addTitle')}
                className="inline-flex rounded-lg border border-border p-1"
              >
                {(['upload', 'camera'] as const).map((m) => (
                  <button
                    key={m}
                    type="button"
                    role="tab"
                    aria-selected={mode === m}
                    onClick={() => setMode(m)}
                    className={
                      mode === m
                        ? 'rounded-md bg-primary px-3 py-1.5 text-sm font-medium text-primary-fg'
                        : 'rounded-md px-3 py-1.5 text-sm font-medium text-muted hover:text-fg'
                    }
                  >
                    {t(`dash.faces.mode.${m}`)}
                  </button>
                ))}
              </div>
              {mode === 'upload' ? (
                <div className="space-y-3">
                  <label className="flex cursor-pointer flex-col items-center gap-2 rounded-xl border-2 border-dashed border-border-strong/60 px-4 py-8 text-center hover:bg-surface-2">
                    <Icon name="upload" size={28} className="text-primary-text" />
                    <span className="text-sm font-medium text-fg">{t('dash.faces.chooseFiles')}</span>
                    <span className="text-xs text-muted">{t('dash.faces.uploadHint')}</span>
                    <input
                      ref={fileInput}
                      type="file"
                      accept="image/jpeg,image/png,image/webp"
                      multiple
                      className="sr-only"
                      aria-label={t('dash.faces.chooseFiles')}
                      onChange={(e) => {
                        const files = Array.from(e.target.files ?? []).slice(0, 10);
                        if (files.length)
                          enrol.mutate({
                            files: files.map((f) => ({ blob: f, name: f.name })),
                            source: 'upload',
                          });
                        e.target.value = '';
                      }}
                    />
                  </label>
                  {enrol.isPending ? <p className="text-sm text-muted">{t('dash.faces.uploading')}</p> : null}
                </div>
              ) : (
                <CameraCapture
                  busy={enrol.isPending}
                  onEnrol={(photos: CapturedPhoto[]) => enrol.mutate({ files: photos, source: 'camera' })}
                />
              )}
              {duplicate ? (
                <DuplicateWarning
                  conflict={duplicate.conflict}
                  canConfirm={canRegister}
                  busy={enrol.isPending}
                  onConfirm={() =>
                    enrol.mutate({ files: duplicate.files, source: duplicate.source, allowDuplicate: true })
                  }
                  onCancel={() => setDuplicate(null)}
                />
              ) : null}
              {results ? <EnrolResults results={results} /> : null}
              {choice && lastUpload?.files[choice.index] ? (
                <FacePicker
                  photo={lastUpload.files[choice.index]!.blob}
                  fileName={lastUpload.files[choice.index]!.name}
                  faces={choice.faces!}
                  imageSize={choice.imageSize!}
                  busy={enrol.isPending}
                  onPick={(face) =>
                    enrol.mutate({
                      files: [lastUpload.files[choice.index]!],
                      source: lastUpload.source,
                      faceBox: face.box,
                    })
                  }
                  onCancel={() => setLastUpload(null)}
                />
              ) : null}
            </CardBody>
          </Card>
        ) : null}

        <Card className="min-w-0">
          <CardHeader
            title={t('dash.faces.samplesTitle')}
            description={
              samples.data ? t('dash.faces.samplesCount', { count: samples.data.items.length }) : undefined
            }
            actions={
              canRegister && samples.data && samples.data.items.length > 0 ? (
                <Button size="sm" variant="danger" icon="trash" onClick={() => setErase(true)}>
                  {t('dash.faces.eraseAll')}
                </Button>
              ) : null
            }
          />
          <CardBody>
            {samples.isPending ? (
              <Skeleton className="h-28" />
            ) : samples.error ? (
              <FormError>{errorMessage(t, samples.error)}</FormError>
            ) : samples.data.items.length === 0 ? (
              <EmptyState
                icon="users"
                title={t('dash.faces.noSamples')}
                description={t('dash.faces.noSamplesHint')}
              />
            ) : (
              <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="face-samples">
                {samples.data.items.map((s) => (
                  <SampleTile
                    key={s.id}
                    employeeId={id}
                    sample={s}
                    canDelete={canRegister}
                    canReview={canReview}
                    onDelete={() => setToDelete(s)}
                  />
                ))}
              </ul>
            )}
          </CardBody>
        </Card>
      </div>

      <ConfirmDialog
        open={toDelete !== null}
        title={t('dash.faces.deleteSampleTitle')}
        body={t('dash.faces.deleteSampleBody')}
        confirmLabel={t('common.delete')}
        busy={remove.isPending}
        onConfirm={() => toDelete && remove.mutate(toDelete)}
        onCancel={() => setToDelete(null)}
      />
      {erase && employee.data ? (
        <EraseDialog
          employeeId={id}
          name={name}
          code={employee.data.employeeCode}
          onClose={() => setErase(false)}
          onErased={async () => {
            setErase(false);
            setResults(null);
            await refresh();
          }}
        />
      ) : null}
    </>
  );
}

function SampleTile({
  employeeId,
  sample: s,
  canDelete,
  canReview,
  onDelete,
}: {
  employeeId: string;
  sample: FaceSample;
  canDelete: boolean;
  canReview: boolean;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const date = useOrgTime().dateTime(s.createdAt);
  return (
    <li className="overflow-hidden rounded-lg border border-border bg-surface" data-testid="face-sample">
      {s.hasCrop ? (
        <img
          src={facesApi.thumbnailUrl(employeeId, s.id)}
          alt={t('dash.faces.sampleAlt', { date })}
          className="aspect-square w-full bg-surface-2 object-cover"
          loading="lazy"
        />
      ) : (
        <div className="flex aspect-square items-center justify-center bg-surface-2 p-2 text-center text-xs text-muted">
          {t('dash.faces.noCrop')}
        </div>
      )}
      <div className="space-y-1 p-2">
        <div className="flex items-start justify-between gap-1">
          <p className="min-w-0 text-xs text-muted">{date}</p>
          {canDelete ? (
            <button
              type="button"
              onClick={onDelete}
              aria-label={t('dash.faces.deleteSample', { date })}
              className="shrink-0 rounded p-1 text-danger-text hover:bg-danger-soft"
            >
              <Icon name="trash" size={16} />
            </button>
          ) : null}
        </div>
        <FaceQualitySummary score={s.quality} detail={s.qualityDetail} dimmed={!s.activePack} />
        <p className="text-xs text-muted">{t(`dash.faces.source.${s.source}`)}</p>
        <SampleReview employeeId={employeeId} sample={s} canReview={canReview} />
      </div>
    </li>
  );
}

export function EnrolResults({ results }: { results: EnrolResponse }) {
  const { t } = useTranslation();
  return (
    <div className="rounded-lg border border-border">
      <p className="border-b border-border px-3 py-2 text-sm font-medium text-fg" role="status">
        {t('dash.faces.enrolResult', {
          accepted: results.accepted,
          total: results.results.length,
          count: results.results.length,
        })}
      </p>
      <ul className="divide-y divide-border" data-testid="enrol-results">
        {results.results.map((r) => (
          <li key={r.index} className="flex flex-wrap items-start justify-between gap-2 px-3 py-2 text-sm">
            <span className="min-w-0">
              <span className="block truncate font-medium text-fg">
                {r.fileName ?? t('dash.faces.photoN', { n: r.index + 1 })}
              </span>
              <span className="block text-muted">
                {r.accepted && r.status === 'pending'
                  ? t('sec.faces.resultPending')
                  : r.accepted
                    ? t('dash.faces.acceptedMsg')
                    : r.factor
                      ? t(`fh.enrol.why.${r.factor}`)
                      : r.code
                        ? t(`dash.faces.reject.${r.code}`)
                        : r.message}
              </span>
              {r.qualityDetail ? (
                <span className="mt-1 block">
                  <FaceQualitySummary score={r.quality ?? 0} detail={r.qualityDetail} dimmed={!r.accepted} />
                </span>
              ) : null}
            </span>
            <Badge tone={r.accepted ? 'success' : r.faces?.length ? 'primary' : 'danger'}>
              {r.accepted
                ? t('dash.faces.accepted')
                : r.faces?.length
                  ? t('fh.enrol.chooseBadge')
                  : t('dash.faces.rejected')}
            </Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}

function EraseDialog({
  employeeId,
  name,
  code,
  onClose,
  onErased,
}: {
  employeeId: string;
  name: string;
  code: string;
  onClose: () => void;
  onErased: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [typed, setTyped] = useState('');
  const erase = useMutation({
    mutationFn: () => facesApi.eraseAll(employeeId),
    onSuccess: async (r) => {
      toast.show(t('dash.faces.erased', { count: r.samplesDeleted }));
      await onErased();
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const matches = typed.trim() === code;
  return (
    <Modal
      open
      onClose={onClose}
      size="sm"
      title={t('dash.faces.eraseTitle', { name })}
      description={t('dash.faces.eraseBody')}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="danger"
            disabled={!matches}
            loading={erase.isPending}
            onClick={() => erase.mutate()}
          >
            {t('dash.faces.eraseConfirm')}
          </Button>
        </>
      }
    >
      <TextField
        label={t('dash.faces.eraseType', { code })}
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        autoComplete="off"
      />
    </Modal>
  );
}
