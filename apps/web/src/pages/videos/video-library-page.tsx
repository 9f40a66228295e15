import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { VideoSummary } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import { useLiveEvents } from '../../live/use-live';
import {
  Button,
  ButtonLink,
  Card,
  CardHeader,
  ConfirmDialog,
  cx,
  EmptyState,
  FormModal,
  Icon,
  IconButton,
  Menu,
  PageHeader,
  SelectField,
  SkeletonRows,
  TextField,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import { ProgressBar, useFormatBytes, VideoStatusBadge } from './video-parts';
import { formatClock } from './video-ranges';
import { uploadResumable, VIDEO_ACCEPT, type UploadState } from './video-upload';
import { videoKeys, videosApi } from './videos-api';

type VideoList = { items: VideoSummary[] };
type Collection = { id: string; name: string; parentId: string | null; videoCount: number };
type UploadRow = { key: string; name: string; size: number; state: UploadState; abort: AbortController };

/** The video library: collections, upload (resumable, several at once), a grid with live progress. */
export function VideoLibraryPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canManage = useCan('video:manage');
  const [collectionId, setCollectionId] = useState<string | null>(null);
  const videos = useQuery({
    queryKey: videoKeys.list(collectionId),
    queryFn: () => videosApi.list(collectionId),
  });
  const collections = useQuery({ queryKey: videoKeys.collections, queryFn: videosApi.collections });
  const limits = useQuery({ queryKey: videoKeys.limits, queryFn: videosApi.limits, enabled: canManage });
  const fmtBytes = useFormatBytes();

  // Progress of processing comes live; a finished video is fetched again for its person count.
  useLiveEvents((m) => {
    if (m.type !== 'video.progress') return;
    qc.setQueriesData<VideoList>({ queryKey: ['videos', 'list'] }, (old) =>
      old
        ? {
            items: old.items.map((v) =>
              v.id === m.videoId ? { ...v, status: m.status, stage: m.stage, progress: m.progress } : v,
            ),
          }
        : old,
    );
    if (m.status !== 'processing' && m.status !== 'queued')
      void qc.invalidateQueries({ queryKey: videoKeys.all });
  });

  const uploads = useUploads(collectionId);
  const fileInput = useRef<HTMLInputElement>(null);
  const limitText = limits.data
    ? t('vid.upload.limit', {
        size: fmtBytes(limits.data.maxBytes),
        formats: limits.data.extensions.map((e) => e.toUpperCase()).join(', '),
      })
    : undefined;

  return (
    <>
      <PageHeader
        title={t('vid.library.title')}
        description={limitText ?? t('vid.library.subtitle')}
        actions={
          <>
            <ButtonLink to="/videos/persons" icon="users">
              {t('vid.persons.title')}
            </ButtonLink>
            {canManage ? (
              <>
                <Button variant="primary" icon="upload" onClick={() => fileInput.current?.click()}>
                  {t('vid.upload.button')}
                </Button>
                <input
                  ref={fileInput}
                  type="file"
                  multiple
                  accept={VIDEO_ACCEPT}
                  className="sr-only"
                  data-testid="video-file-input"
                  aria-label={t('vid.upload.button')}
                  onChange={(e) => {
                    const files = [...(e.target.files ?? [])];
                    e.target.value = '';
                    if (limits.data) uploads.add(files, limits.data.maxBytes, limits.data.extensions);
                  }}
                />
              </>
            ) : null}
          </>
        }
      />
      <div className="grid gap-5 lg:grid-cols-[15rem_minmax(0,1fr)]">
        <CollectionsSidebar
          collections={collections.data?.items ?? []}
          selected={collectionId}
          onSelect={setCollectionId}
          canManage={canManage}
        />
        <div className="min-w-0 space-y-5">
          {uploads.rows.length > 0 ? <UploadPanel rows={uploads.rows} onClear={uploads.clear} /> : null}
          {videos.isError ? (
            <Card>
              <LoadFailed error={videos.error} />
            </Card>
          ) : videos.isPending ? (
            <Card>
              <SkeletonRows />
            </Card>
          ) : videos.data.items.length === 0 ? (
            <Card>
              <EmptyState
                icon="video"
                title={t('vid.library.empty')}
                description={canManage ? limitText : undefined}
              />
            </Card>
          ) : (
            <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 2xl:grid-cols-3" data-testid="video-grid">
              {videos.data.items.map((v) => (
                <VideoCard
                  key={v.id}
                  video={v}
                  canManage={canManage}
                  collections={collections.data?.items ?? []}
                />
              ))}
            </ul>
          )}
        </div>
      </div>
    </>
  );
}

function useUploads(collectionId: string | null) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fmtBytes = useFormatBytes();
  const [rows, setRows] = useState<UploadRow[]>([]);
  const setState = (key: string, state: UploadState) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, state } : r)));

  const add = (files: File[], maxBytes: number, extensions: string[]) => {
    const fresh: UploadRow[] = files.map((f, i) => {
      const ext = f.name.split('.').pop()?.toLowerCase() ?? '';
      // Refused before a byte is sent: the limit and the formats are known here.
      const error = !extensions.includes(ext)
        ? t('vid.upload.badType', { formats: extensions.map((e) => e.toUpperCase()).join(', ') })
        : f.size > maxBytes
          ? t('vid.upload.tooLarge', { size: fmtBytes(f.size), limit: fmtBytes(maxBytes) })
          : null;
      return {
        key: `${Date.now()}-${i}-${f.name}`,
        name: f.name,
        size: f.size,
        state: error
          ? { phase: 'failed', error: new ApiError(400, 'refused_before_upload', error) }
          : { phase: 'uploading', sentBytes: 0 },
        abort: new AbortController(),
      };
    });
    setRows((rs) => [...rs, ...fresh]);
    // One file after another: the box's disk and the connection are shared with live cameras.
    void (async () => {
      for (const [i, row] of fresh.entries()) {
        if (row.state.phase === 'failed') continue;
        await uploadResumable(files[i]!, collectionId, (s) => setState(row.key, s), row.abort.signal);
        void qc.invalidateQueries({ queryKey: videoKeys.all });
      }
    })();
  };
  const clear = () =>
    setRows((rs) => rs.filter((r) => r.state.phase === 'uploading' || r.state.phase === 'checking'));
  return { rows, add, clear };
}

function UploadPanel({ rows, onClear }: { rows: UploadRow[]; onClear: () => void }) {
  const { t } = useTranslation();
  const fmtBytes = useFormatBytes();
  const busy = rows.some((r) => r.state.phase === 'uploading' || r.state.phase === 'checking');
  return (
    <Card data-testid="upload-panel">
      <CardHeader
        title={t('vid.upload.panelTitle')}
        actions={
          busy ? null : (
            <Button size="sm" variant="ghost" onClick={onClear}>
              {t('common.close')}
            </Button>
          )
        }
      />
      <ul className="divide-y divide-border">
        {rows.map((r) => {
          const s = r.state;
          return (
            <li key={r.key} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 sm:px-5">
              <Icon name="video" size={18} className="shrink-0 text-muted" />
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-baseline justify-between gap-x-3">
                  <span className="truncate text-sm font-medium text-fg">{r.name}</span>
                  <span className="text-xs text-muted tabular-nums">
                    {s.phase === 'uploading'
                      ? t('vid.upload.sent', { sent: fmtBytes(s.sentBytes), size: fmtBytes(r.size) })
                      : fmtBytes(r.size)}
                  </span>
                </div>
                {s.phase === 'uploading' ? (
                  <ProgressBar className="mt-2" value={s.sentBytes / Math.max(1, r.size)} label={r.name} />
                ) : (
                  <p
                    className={cx('mt-1 text-xs', s.phase === 'failed' ? 'text-danger-text' : 'text-muted')}
                    role={s.phase === 'failed' ? 'alert' : undefined}
                  >
                    {s.phase === 'checking'
                      ? t('vid.upload.checking')
                      : s.phase === 'done'
                        ? t('vid.upload.done')
                        : s.phase === 'aborted'
                          ? t('vid.upload.aborted')
                          : errorMessage(t, s.error)}
                  </p>
                )}
              </div>
              {s.phase === 'uploading' ? (
                <Button size="sm" variant="ghost" onClick={() => r.abort.abort()}>
                  {t('common.cancel')}
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function VideoCard({
  video: v,
  canManage,
  collections,
}: {
  video: VideoSummary;
  canManage: boolean;
  collections: Collection[];
}) {
  const { t } = useTranslation();
  const time = useOrgTime();
  const qc = useQueryClient();
  const toast = useToast();
  const [dialog, setDialog] = useState<'rename' | 'move' | 'delete' | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: videoKeys.all });
  const onError = (e: unknown) => toast.show(errorMessage(t, e), 'error');
  const cancel = useMutation({ mutationFn: () => videosApi.cancel(v.id), onSuccess: refresh, onError });
  const reprocess = useMutation({ mutationFn: () => videosApi.reprocess(v.id), onSuccess: refresh, onError });
  const remove = useMutation({
    mutationFn: () => videosApi.remove(v.id),
    onSuccess: () => {
      setDialog(null);
      toast.show(t('vid.library.deleted'));
      void refresh();
    },
    onError,
  });
  const working = v.status === 'queued' || v.status === 'processing';
  return (
    <li>
      <Card className="flex h-full flex-col overflow-hidden" data-testid="video-card" data-status={v.status}>
        <Link to={`/videos/${v.id}`} className="group relative block aspect-video bg-surface-2">
          <img
            src={videosApi.posterUrl(v.id)}
            alt=""
            loading="lazy"
            className="h-full w-full object-cover transition-opacity group-hover:opacity-90"
          />
          <span className="absolute right-2 bottom-2 rounded bg-black/70 px-1.5 py-0.5 text-xs font-medium text-white tabular-nums">
            {formatClock(v.durationSec)}
          </span>
          <span className="sr-only">{v.title}</span>
        </Link>
        <div className="flex flex-1 flex-col gap-2 p-3">
          <div className="flex items-start justify-between gap-2">
            <div className="min-w-0">
              <Link
                to={`/videos/${v.id}`}
                className="block truncate text-sm font-semibold text-fg hover:underline"
                title={v.title}
              >
                {v.title}
              </Link>
              <p className="text-xs text-muted">
                {t('vid.library.meta', { width: v.width, height: v.height, date: time.date(v.createdAt) })}
              </p>
            </div>
            {canManage ? (
              <Menu
                label={t('common.actions')}
                button={<Icon name="menu" size={18} />}
                items={[
                  {
                    key: 'rename',
                    label: t('vid.library.rename'),
                    icon: 'edit',
                    onSelect: () => setDialog('rename'),
                  },
                  {
                    key: 'move',
                    label: t('vid.library.move'),
                    icon: 'folder',
                    onSelect: () => setDialog('move'),
                  },
                  ...(v.status === 'failed' || v.status === 'cancelled' || v.status === 'ready'
                    ? [
                        {
                          key: 'reprocess',
                          label: t('vid.library.reprocess'),
                          icon: 'play' as const,
                          onSelect: () => reprocess.mutate(),
                        },
                      ]
                    : []),
                  {
                    key: 'delete',
                    label: t('common.delete'),
                    icon: 'trash',
                    tone: 'danger',
                    onSelect: () => setDialog('delete'),
                  },
                ]}
              />
            ) : null}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <VideoStatusBadge status={v.status} />
            {v.status === 'ready' ? (
              <span className="text-xs text-muted">{t('vid.library.people', { count: v.personCount })}</span>
            ) : null}
          </div>
          {working ? (
            <div className="mt-auto space-y-1.5" data-testid="video-progress">
              <div className="flex items-center justify-between text-xs text-muted">
                <span>{t(`vid.stage.${v.stage}`)}</span>
                <span className="tabular-nums">{Math.round(v.progress * 100)}%</span>
              </div>
              <ProgressBar value={v.progress} label={t('vid.library.progress', { title: v.title })} />
              {canManage ? (
                <Button size="sm" variant="ghost" loading={cancel.isPending} onClick={() => cancel.mutate()}>
                  {t('vid.library.cancelProcessing')}
                </Button>
              ) : null}
            </div>
          ) : v.status === 'failed' && v.error ? (
            <p className="text-xs text-danger-text">{v.error}</p>
          ) : null}
        </div>
      </Card>
      {dialog === 'rename' ? <RenameVideo video={v} onClose={() => setDialog(null)} /> : null}
      {dialog === 'move' ? (
        <MoveVideo video={v} collections={collections} onClose={() => setDialog(null)} />
      ) : null}
      <ConfirmDialog
        open={dialog === 'delete'}
        title={t('vid.library.deleteTitle', { title: v.title })}
        body={t('vid.library.deleteBody')}
        confirmLabel={t('common.delete')}
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setDialog(null)}
      />
    </li>
  );
}

function RenameVideo({ video, onClose }: { video: VideoSummary; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [title, setTitle] = useState(video.title);
  const save = useMutation({
    mutationFn: () => videosApi.patch(video.id, { title }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: videoKeys.all });
      onClose();
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('vid.library.rename')}
      formId="rename-video"
      submitLabel={t('common.save')}
      submitting={save.isPending}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (title.trim()) save.mutate();
      }}
    >
      <TextField
        label={t('vid.library.titleField')}
        value={title}
        maxLength={200}
        onChange={(e) => setTitle(e.target.value)}
        error={save.isError ? errorMessage(t, save.error) : title.trim() ? null : t('validation.required')}
      />
    </FormModal>
  );
}

function MoveVideo({
  video,
  collections,
  onClose,
}: {
  video: VideoSummary;
  collections: Collection[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [target, setTarget] = useState(video.collectionId ?? '');
  const save = useMutation({
    mutationFn: () => videosApi.patch(video.id, { collectionId: target || null }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: videoKeys.all });
      onClose();
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('vid.library.move')}
      formId="move-video"
      submitLabel={t('common.save')}
      submitting={save.isPending}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <SelectField
        label={t('vid.collections.title')}
        value={target}
        onChange={(e) => setTarget(e.target.value)}
        error={save.isError ? errorMessage(t, save.error) : null}
      >
        <option value="">{t('vid.collections.none')}</option>
        {collections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </SelectField>
    </FormModal>
  );
}

/** Collections as a tree (parent → children), indented by depth. */
function flatten(collections: Collection[]): { c: Collection; depth: number }[] {
  const out: { c: Collection; depth: number }[] = [];
  const walk = (parentId: string | null, depth: number) => {
    for (const c of collections
      .filter((x) => x.parentId === parentId)
      .sort((a, b) => a.name.localeCompare(b.name))) {
      out.push({ c, depth });
      walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function CollectionsSidebar({
  collections,
  selected,
  onSelect,
  canManage,
}: {
  collections: Collection[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const tree = useMemo(() => flatten(collections), [collections]);
  const [editing, setEditing] = useState<Collection | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Collection | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => videosApi.removeCollection(id),
    onSuccess: (_r, id) => {
      setDeleting(null);
      if (selected === id) onSelect(null);
      void qc.invalidateQueries({ queryKey: videoKeys.all });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const item = (active: boolean) =>
    cx(
      'flex min-w-0 flex-1 items-center gap-2 rounded-lg px-2.5 py-2 text-left text-sm',
      active ? 'bg-primary-soft font-semibold text-primary-text' : 'text-fg hover:bg-surface-2',
    );
  return (
    <Card className="self-start" data-testid="collections">
      <CardHeader
        title={t('vid.collections.title')}
        actions={
          canManage ? (
            <IconButton icon="plus" label={t('vid.collections.create')} onClick={() => setEditing('new')} />
          ) : null
        }
      />
      <nav aria-label={t('vid.collections.title')} className="p-2">
        <ul className="flex gap-1 overflow-x-auto lg:flex-col lg:overflow-visible">
          <li className="flex shrink-0">
            <button type="button" className={item(selected === null)} onClick={() => onSelect(null)}>
              <Icon name="video" size={16} />
              {t('vid.collections.all')}
            </button>
          </li>
          {tree.map(({ c, depth }) => (
            <li key={c.id} className="flex shrink-0 items-center">
              <button
                type="button"
                className={item(selected === c.id)}
                style={{ paddingLeft: `${0.625 + depth * 0.875}rem` }}
                onClick={() => onSelect(c.id)}
                aria-current={selected === c.id ? 'true' : undefined}
              >
                <Icon name="folder" size={16} className="shrink-0" />
                <span className="truncate">{c.name}</span>
                <span className="ml-auto text-xs text-muted tabular-nums">{c.videoCount}</span>
              </button>
              {canManage ? (
                <Menu
                  label={t('vid.collections.actions', { name: c.name })}
                  button={<Icon name="menu" size={16} />}
                  items={[
                    {
                      key: 'edit',
                      label: t('vid.collections.edit'),
                      icon: 'edit',
                      onSelect: () => setEditing(c),
                    },
                    {
                      key: 'delete',
                      label: t('common.delete'),
                      icon: 'trash',
                      tone: 'danger',
                      onSelect: () => setDeleting(c),
                    },
                  ]}
                />
              ) : null}
            </li>
          ))}
        </ul>
      </nav>
      {editing ? (
        <CollectionForm
          collection={editing === 'new' ? null : editing}
          collections={collections}
          onClose={() => setEditing(null)}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t('vid.collections.deleteTitle', { name: deleting?.name ?? '' })}
        body={t('vid.collections.deleteBody')}
        confirmLabel={t('common.delete')}
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onCancel={() => setDeleting(null)}
      />
    </Card>
  );
}

/** Create, rename or move a collection (under another one; the server refuses cycles). */
function CollectionForm({
  collection,
  collections,
  onClose,
}: {
  collection: Collection | null;
  collections: Collection[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(collection?.name ?? '');
  const [parentId, setParentId] = useState(collection?.parentId ?? '');
  const [touched, setTouched] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      collection
        ? videosApi.patchCollection(collection.id, { name, parentId: parentId || null })
        : videosApi.createCollection({ name, parentId: parentId || null }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: videoKeys.all });
      onClose();
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={collection ? t('vid.collections.edit') : t('vid.collections.create')}
      formId="collection-form"
      submitLabel={t('common.save')}
      submitting={save.isPending}
      formClassName="space-y-4"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        setTouched(true);
        if (name.trim()) save.mutate();
      }}
    >
      <TextField
        label={t('vid.collections.name')}
        value={name}
        maxLength={120}
        onChange={(e) => setName(e.target.value)}
        error={touched && !name.trim() ? t('validation.required') : null}
      />
      <SelectField
        label={t('vid.collections.parent')}
        value={parentId}
        onChange={(e) => setParentId(e.target.value)}
        error={save.isError ? errorMessage(t, save.error) : null}
      >
        <option value="">{t('vid.collections.topLevel')}</option>
        {collections
          .filter((c) => c.id !== collection?.id)
          .map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
      </SelectField>
    </FormModal>
  );
}
