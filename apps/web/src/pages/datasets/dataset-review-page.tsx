import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { useLiveEvents } from '../../live/use-live';
import {
  Badge,
  Button,
  ButtonLink,
  Card,
  ConfirmDialog,
  cx,
  EmptyState,
  FormModal,
  PageHeader,
  SelectField,
  SkeletonRows,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import {
  CreateEmployeeFromPerson,
  PersonDuplicateModal,
  useEnrolFromPerson,
} from '../videos/person-employee';
import { videoKeys, videosApi } from '../videos/videos-api';
import { datasetKeys, datasetsApi } from './datasets-api';
import { clickCell, emptySelection, keyInGrid, type GridSelection } from './grid-selection';

type Person = Awaited<ReturnType<typeof datasetsApi.persons>>['items'][number];

const label = (p: { code: string; name: string | null }) => (p.name ? `${p.code} · ${p.name}` : p.code);

/** Review the face crops cut from the library: one grid per person, bulk select with the keyboard. */
export function DatasetReviewPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canManage = useCan('video:manage');
  const [personId, setPersonId] = useState<string | null>(null);
  const [extracting, setExtracting] = useState(false);
  const persons = useQuery({ queryKey: datasetKeys.persons, queryFn: datasetsApi.persons });
  const [extractStatus, setExtractStatus] = useState<{ status: string; fraction: number } | null>(null);
  useLiveEvents((m) => {
    if (m.type !== 'dataset.progress' || m.kind !== 'extract') return;
    setExtractStatus({ status: m.status, fraction: m.fraction });
    if (m.status !== 'running') void qc.invalidateQueries({ queryKey: datasetKeys.all });
  });
  // Persons whose faces were never cut (or were all removed) are not part of the dataset.
  const items = (persons.data?.items ?? []).filter((p) => p.faceCount > 0);
  const current = items.find((p) => p.id === personId) ?? items[0] ?? null;

  return (
    <>
      <PageHeader
        title={t('ds.review.title')}
        description={t('ds.review.subtitle')}
        actions={
          <div className="flex flex-wrap gap-2">
            {canManage ? (
              <Button icon="upload" onClick={() => setExtracting(true)} data-testid="extract-open">
                {t('ds.review.extract')}
              </Button>
            ) : null}
            <ButtonLink to="/videos/datasets/versions" icon="folder">
              {t('ds.versions.title')}
            </ButtonLink>
            <ButtonLink to="/videos/models" icon="chart">
              {t('ds.models.title')}
            </ButtonLink>
          </div>
        }
      />
      {extractStatus && extractStatus.status === 'running' ? (
        <Card className="mb-4 p-4 text-sm text-fg" data-testid="extract-progress">
          {t('ds.review.extracting', { percent: Math.round(extractStatus.fraction * 100) })}
        </Card>
      ) : null}
      {persons.isError ? (
        <Card>
          <LoadFailed error={persons.error} />
        </Card>
      ) : persons.isPending ? (
        <Card>
          <SkeletonRows />
        </Card>
      ) : items.length === 0 ? (
        <Card>
          <EmptyState icon="userScan" title={t('ds.review.empty')} description={t('ds.review.emptyHint')} />
        </Card>
      ) : (
        <div className="grid gap-4 lg:grid-cols-[18rem_minmax(0,1fr)]">
          <Card className="p-2">
            <ul className="max-h-[22rem] space-y-1 overflow-y-auto lg:max-h-[70vh]" data-testid="ds-persons">
              {items.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    onClick={() => setPersonId(p.id)}
                    aria-current={current?.id === p.id ? 'true' : undefined}
                    data-testid="ds-person"
                    data-code={p.code}
                    className={cx(
                      'flex w-full items-center justify-between gap-2 rounded-lg px-3 py-2 text-left text-sm',
                      current?.id === p.id ? 'bg-primary-soft text-fg' : 'text-fg hover:bg-surface-2',
                    )}
                  >
                    <span className="min-w-0">
                      <span className="block truncate font-medium">{p.name ?? p.code}</span>
                      <span className="block text-xs text-muted tabular-nums">
                        {p.name ? `${p.code} · ` : ''}
                        {t('ds.review.faces', { count: p.faceCount })}
                      </span>
                    </span>
                    {p.ignored ? <Badge tone="slate">{t('ds.review.ignored')}</Badge> : null}
                  </button>
                </li>
              ))}
            </ul>
          </Card>
          {current ? (
            <PersonFaces
              key={current.id}
              person={current}
              everyone={persons.data?.items ?? []}
              canManage={canManage}
            />
          ) : (
            <Card>
              <EmptyState icon="userScan" title={t('ds.review.empty')} />
            </Card>
          )}
        </div>
      )}
      {extracting ? <ExtractDialog onClose={() => setExtracting(false)} /> : null}
    </>
  );
}

function PersonFaces({
  person,
  everyone,
  canManage,
}: {
  person: Person;
  everyone: Person[];
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const faces = useQuery({
    queryKey: datasetKeys.faces(person.id),
    queryFn: () => datasetsApi.faces(person.id),
  });
  const [sel, setSel] = useState<GridSelection>(emptySelection);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [moveTo, setMoveTo] = useState('');
  const [merging, setMerging] = useState(false);
  const [creating, setCreating] = useState(false);
  const canCreateEmployee = useCan('member:manage');
  const enrolment = useEnrolFromPerson(person.id, () => undefined);
  const grid = useRef<HTMLUListElement>(null);
  const list = faces.data?.items ?? [];
  const chosen = [...sel.selected].map((i) => list[i]?.id).filter((id): id is string => Boolean(id));
  const done = (msg: string) => {
    setSel(emptySelection);
    toast.show(msg);
    void qc.invalidateQueries({ queryKey: datasetKeys.all });
  };
  const fail = (e: unknown) => toast.show(errorMessage(t, e), 'error');
  const remove = useMutation({
    mutationFn: () => datasetsApi.deleteFaces(chosen),
    onSuccess: (r) => {
      setConfirmDelete(false);
      done(t('ds.review.removed', { count: r.count }));
    },
    onError: fail,
  });
  const move = useMutation({
    mutationFn: () => datasetsApi.moveFaces(chosen, moveTo),
    onSuccess: (r) => done(t('ds.review.moved', { count: r.count })),
    onError: fail,
  });
  const ignore = useMutation({
    mutationFn: () => datasetsApi.setIgnored(person.id, !person.ignored),
    onSuccess: () => void qc.invalidateQueries({ queryKey: datasetKeys.all }),
    onError: fail,
  });

  // The cursor's cell takes the focus so the browser scrolls it into view and screen readers follow.
  useEffect(() => {
    const cell = grid.current?.querySelectorAll<HTMLElement>('[role="option"]')[sel.cursor];
    if (cell && grid.current?.contains(document.activeElement)) cell.focus();
  }, [sel.cursor]);

  const columns = () => {
    const tpl = grid.current ? getComputedStyle(grid.current).gridTemplateColumns : '';
    return tpl ? tpl.split(' ').length : 1;
  };
  const onKey = (e: KeyboardEvent) => {
    if ((e.key === 'Delete' || e.key === 'Backspace') && canManage && chosen.length > 0) {
      e.preventDefault();
      setConfirmDelete(true);
      return;
    }
    const next = keyInGrid(
      sel,
      e.key,
      { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey },
      list.length,
      columns(),
    );
    if (next) {
      e.preventDefault();
      setSel(next);
    }
  };
  const onClick = (i: number, e: MouseEvent) =>
    setSel((s) => clickCell(s, i, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey }));

  return (
    <Card className="p-4 sm:p-5" data-testid="ds-faces" data-code={person.code}>
      <div className="mb-3 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold text-fg">{label(person)}</h2>
          <p className="text-sm text-muted">
            {t('ds.review.faces', { count: person.faceCount })}
            {person.meanQuality !== null
              ? ` · ${t('ds.review.meanQuality', { value: person.meanQuality.toFixed(2) })}`
              : ''}
          </p>
        </div>
        {canManage ? (
          <div className="flex flex-wrap gap-2">
            <Button
              size="sm"
              onClick={() => ignore.mutate()}
              loading={ignore.isPending}
              data-testid="ds-ignore"
            >
              {person.ignored ? t('ds.review.unignore') : t('ds.review.ignore')}
            </Button>
            <Button size="sm" icon="users" onClick={() => setMerging(true)}>
              {t('ds.review.merge')}
            </Button>
            {person.employeeId ? (
              <Button
                size="sm"
                icon="userScan"
                onClick={() => enrolment.enrol.mutate(false)}
                loading={enrolment.enrol.isPending}
                data-testid="ds-enrol"
              >
                {t('ds.enrol.action')}
              </Button>
            ) : canCreateEmployee ? (
              <Button
                size="sm"
                icon="plus"
                onClick={() => setCreating(true)}
                data-testid="ds-create-employee"
              >
                {t('ds.review.createEmployee')}
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
      <p className="mb-3 text-xs text-muted">{t('ds.review.keys')}</p>
      {faces.isError ? (
        <LoadFailed error={faces.error} />
      ) : faces.isPending ? (
        <SkeletonRows rows={3} />
      ) : list.length === 0 ? (
        <EmptyState icon="userScan" title={t('ds.review.noFaces')} />
      ) : (
        <ul
          ref={grid}
          role="listbox"
          aria-multiselectable="true"
          aria-label={t('ds.review.gridLabel', { code: person.code })}
          onKeyDown={onKey}
          className="grid grid-cols-[repeat(auto-fill,minmax(5.5rem,1fr))] gap-2"
          data-testid="ds-grid"
        >
          {list.map((f, i) => (
            <li
              key={f.id}
              role="option"
              aria-selected={sel.selected.has(i)}
              tabIndex={i === sel.cursor ? 0 : -1}
              onClick={(e) => onClick(i, e)}
              data-testid="ds-face"
              className={cx(
                'relative cursor-pointer overflow-hidden rounded-lg border-2 bg-surface-2 outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]',
                sel.selected.has(i) ? 'border-[var(--primary)]' : 'border-transparent',
              )}
            >
              <img
                src={datasetsApi.faceUrl(f.id)}
                alt=""
                loading="lazy"
                className="aspect-square w-full object-cover"
              />
              <span
                className={cx(
                  'absolute bottom-1 left-1 rounded px-1 text-[0.7rem] font-medium tabular-nums text-white',
                  f.quality < 0.5 ? 'bg-danger' : 'bg-black/70',
                )}
                title={t('ds.review.quality')}
              >
                {f.quality.toFixed(2)}
              </span>
              {sel.selected.has(i) ? (
                <span className="absolute right-1 top-1 h-3 w-3 rounded-full bg-[var(--primary)] ring-2 ring-white" />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canManage && chosen.length > 0 ? (
        <div
          className="sticky bottom-0 mt-4 flex flex-wrap items-end gap-2 border-t border-border bg-surface pt-3"
          data-testid="ds-bulk"
        >
          <span className="self-center text-sm font-medium text-fg">
            {t('ds.review.selected', { count: chosen.length })}
          </span>
          <Button
            variant="danger"
            size="sm"
            icon="trash"
            onClick={() => setConfirmDelete(true)}
            data-testid="ds-remove"
          >
            {t('ds.review.remove')}
          </Button>
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (moveTo) move.mutate();
            }}
          >
            <SelectField
              label={t('ds.review.moveTo')}
              value={moveTo}
              onChange={(e) => setMoveTo(e.target.value)}
            >
              <option value="">{t('ds.review.choose')}</option>
              {everyone
                .filter((p) => p.id !== person.id)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {label(p)}
                  </option>
                ))}
            </SelectField>
            <Button type="submit" size="sm" disabled={!moveTo} loading={move.isPending}>
              {t('ds.review.move')}
            </Button>
          </form>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirmDelete}
        title={t('ds.review.removeTitle', { count: chosen.length })}
        body={t('ds.review.removeBody')}
        confirmLabel={t('ds.review.remove')}
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setConfirmDelete(false)}
      />
      {merging ? <MergeDialog person={person} everyone={everyone} onClose={() => setMerging(false)} /> : null}
      {creating ? <CreateEmployeeFromPerson person={person} onClose={() => setCreating(false)} /> : null}
      {enrolment.conflict ? (
        <PersonDuplicateModal
          person={person}
          conflict={enrolment.conflict}
          onClose={() => enrolment.setConflict(null)}
        />
      ) : null}
    </Card>
  );
}

function MergeDialog({
  person,
  everyone,
  onClose,
}: {
  person: Person;
  everyone: Person[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [intoId, setIntoId] = useState('');
  const merge = useMutation({
    mutationFn: () => datasetsApi.mergePersons(person.id, intoId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: datasetKeys.all });
      void qc.invalidateQueries({ queryKey: videoKeys.all });
      onClose();
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('ds.review.mergeTitle', { code: person.code })}
      description={t('ds.review.mergeHint', { code: person.code })}
      formId="ds-merge"
      submitLabel={t('ds.review.merge')}
      submitting={merge.isPending}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (intoId) merge.mutate();
      }}
    >
      <SelectField
        label={t('ds.review.mergeInto')}
        value={intoId}
        onChange={(e) => setIntoId(e.target.value)}
        error={merge.isError ? errorMessage(t, merge.error) : null}
      >
        <option value="">{t('ds.review.choose')}</option>
        {everyone
          .filter((p) => p.id !== person.id)
          .map((p) => (
            <option key={p.id} value={p.id}>
              {label(p)}
            </option>
          ))}
      </SelectField>
    </FormModal>
  );
}

/** Cut a processed video's persons into crops (a job; its progress comes over the WebSocket). */
function ExtractDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const videos = useQuery({ queryKey: videoKeys.list(null), queryFn: () => videosApi.list(null) });
  const ready = (videos.data?.items ?? []).filter((v) => v.status === 'ready' && v.personCount > 0);
  const [videoId, setVideoId] = useState('');
  const run = useMutation({
    mutationFn: () => datasetsApi.extract(videoId),
    onSuccess: () => {
      toast.show(t('ds.review.extractQueued'));
      onClose();
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('ds.review.extractTitle')}
      description={t('ds.review.extractHint')}
      formId="ds-extract"
      submitLabel={t('ds.review.extract')}
      submitting={run.isPending}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (videoId) run.mutate();
      }}
    >
      <SelectField
        label={t('ds.review.video')}
        value={videoId}
        onChange={(e) => setVideoId(e.target.value)}
        error={run.isError ? errorMessage(t, run.error) : null}
        data-testid="extract-video"
      >
        <option value="">{t('ds.review.choose')}</option>
        {ready.map((v) => (
          <option key={v.id} value={v.id}>
            {v.title}
          </option>
        ))}
      </SelectField>
    </FormModal>
  );
}
