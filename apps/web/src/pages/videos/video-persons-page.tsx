import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import {
  Badge,
  ButtonLink,
  Card,
  type ComboOption,
  EmptyState,
  Field,
  FormModal,
  Icon,
  Menu,
  PageHeader,
  SearchField,
  SelectField,
  SkeletonRows,
  TextField,
  useToast,
} from '@hadir/ui';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { LoadFailed } from '../shared/load-failed';
import { CreateEmployeeFromPerson, PersonDuplicateModal, useEnrolFromPerson } from './person-employee';
import { PersonThumb } from './person-thumb';
import { formatClock } from './video-ranges';
import { videoKeys, videosApi } from './videos-api';

type Person = Awaited<ReturnType<typeof videosApi.persons>>['items'][number];
type Dialog = 'rename' | 'link' | 'create' | 'merge' | 'split';

/** Everyone the library has seen: search "PERSON-0007" or "Budi" → every video and range they are in. */
export function VideoPersonsPage() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const id = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(id);
  }, [text]);
  const persons = useQuery({
    queryKey: videoKeys.persons(q),
    queryFn: () => videosApi.persons(q),
    placeholderData: keepPreviousData,
  });
  // Merge targets come from the whole library, not only from the current search.
  const everyone = useQuery({ queryKey: videoKeys.persons(''), queryFn: () => videosApi.persons('') });

  return (
    <>
      <PageHeader
        title={t('vid.persons.title')}
        description={t('vid.persons.subtitle')}
        actions={
          <ButtonLink to="/videos" icon="video">
            {t('vid.library.title')}
          </ButtonLink>
        }
      />
      <Card className="mb-5 p-4 sm:p-5">
        <SearchField
          label={t('vid.persons.search')}
          placeholder={t('vid.persons.searchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="person-search"
        />
      </Card>
      {persons.isError ? (
        <Card>
          <LoadFailed error={persons.error} />
        </Card>
      ) : persons.isPending ? (
        <Card>
          <SkeletonRows />
        </Card>
      ) : persons.data.items.length === 0 ? (
        <Card>
          <EmptyState icon="users" title={q ? t('vid.persons.noMatch', { q }) : t('vid.persons.empty')} />
        </Card>
      ) : (
        <ul className="grid gap-4 xl:grid-cols-2" data-testid="person-list">
          {persons.data.items.map((p) => (
            <PersonCard key={p.id} person={p} everyone={everyone.data?.items ?? []} />
          ))}
        </ul>
      )}
    </>
  );
}

function PersonCard({ person: p, everyone }: { person: Person; everyone: Person[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const canManage = useCan('video:manage');
  const canCreateEmployee = useCan('member:manage');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const ignore = useMutation({
    mutationFn: () => videosApi.patchPerson(p.id, { ignored: !p.ignored }),
    onSuccess: () => qc.invalidateQueries({ queryKey: videoKeys.all }),
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const { enrol, conflict, setConflict } = useEnrolFromPerson(p.id, () => undefined);
  const rangeCount = p.videos.reduce((n, v) => n + v.ranges.length, 0);
  return (
    <li>
      <Card className="h-full p-4 sm:p-5" data-testid="person-card" data-code={p.code}>
        <div className="flex items-start gap-4">
          <PersonThumb id={p.id} className="h-20 w-20" />
          <div className="min-w-0 flex-1">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <h2 className="truncate text-base font-semibold text-fg">
                  {p.name ?? t('vid.persons.unnamed')}
                </h2>
                <p className="text-sm text-muted tabular-nums">{p.code}</p>
              </div>
              {canManage ? (
                <Menu
                  label={t('vid.persons.actions', { code: p.code })}
                  button={<Icon name="menu" size={18} />}
                  items={[
                    {
                      key: 'rename',
                      label: t('vid.persons.rename'),
                      icon: 'edit',
                      onSelect: () => setDialog('rename'),
                    },
                    {
                      key: 'link',
                      label: t('vid.persons.link'),
                      icon: 'user',
                      onSelect: () => setDialog('link'),
                    },
                    ...(p.employeeId
                      ? [
                          {
                            key: 'enrol',
                            label: t('ds.enrol.action'),
                            icon: 'userScan' as const,
                            onSelect: () => enrol.mutate(false),
                          },
                        ]
                      : []),
                    ...(canCreateEmployee && !p.employeeId
                      ? [
                          {
                            key: 'create',
                            label: t('vid.persons.createEmployee'),
                            icon: 'plus' as const,
                            onSelect: () => setDialog('create'),
                          },
                        ]
                      : []),
                    {
                      key: 'merge',
                      label: t('vid.persons.merge'),
                      icon: 'users',
                      onSelect: () => setDialog('merge'),
                    },
                    {
                      key: 'split',
                      label: t('vid.persons.split'),
                      icon: 'copy',
                      onSelect: () => setDialog('split'),
                    },
                    {
                      key: 'ignore',
                      label: p.ignored ? t('vid.persons.unignore') : t('vid.persons.ignore'),
                      icon: 'close',
                      onSelect: () => ignore.mutate(),
                    },
                  ]}
                />
              ) : null}
            </div>
            <div className="mt-2 flex flex-wrap gap-2">
              {p.employeeId ? (
                <Badge tone="success" dot>
                  {t('vid.persons.linked')}
                </Badge>
              ) : null}
              {p.ignored ? <Badge tone="slate">{t('vid.persons.ignored')}</Badge> : null}
              <Badge tone="primary">
                {t('vid.persons.summary', { videos: p.videos.length, ranges: rangeCount })}
              </Badge>
            </div>
          </div>
        </div>
        <ul className="mt-4 space-y-2 border-t border-border pt-3">
          {p.videos.map((v) => (
            <li key={v.videoId} className="text-sm">
              <Link to={`/videos/${v.videoId}`} className="font-medium text-primary-text hover:underline">
                {v.title}
              </Link>
              <div className="mt-1 flex flex-wrap gap-1.5">
                {v.ranges.map((r, i) => (
                  <Link
                    key={i}
                    to={`/videos/${v.videoId}?person=${encodeURIComponent(p.id)}&range=${i}`}
                    className="rounded-md bg-surface-2 px-2 py-0.5 text-xs text-fg tabular-nums hover:bg-primary-soft"
                  >
                    {formatClock(r.startSec)}–{formatClock(r.endSec)}
                  </Link>
                ))}
              </div>
            </li>
          ))}
        </ul>
      </Card>
      {dialog === 'rename' ? <RenamePerson person={p} onClose={() => setDialog(null)} /> : null}
      {dialog === 'link' ? (
        <LinkPerson person={p} onClose={() => setDialog(null)} onLinked={() => enrol.mutate(false)} />
      ) : null}
      {dialog === 'create' ? <CreateEmployeeFromPerson person={p} onClose={() => setDialog(null)} /> : null}
      {conflict ? (
        <PersonDuplicateModal person={p} conflict={conflict} onClose={() => setConflict(null)} />
      ) : null}
      {dialog === 'merge' ? (
        <MergePerson person={p} everyone={everyone} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'split' ? <SplitPerson person={p} onClose={() => setDialog(null)} /> : null}
    </li>
  );
}

/** The common shape of the person dialogs: one mutation, refresh the library on success. */
function usePersonMutation<T>(fn: (v: T) => Promise<unknown>, onClose: () => void, done?: string) {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: videoKeys.all });
      if (done) toast.show(done);
      onClose();
    },
  });
}

function RenamePerson({ person, onClose }: { person: Person; onClose: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(person.name ?? '');
  const save = usePersonMutation(
    () => videosApi.patchPerson(person.id, { name: name.trim() || null }),
    onClose,
  );
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('vid.persons.renameTitle', { code: person.code })}
      formId="rename-person"
      submitLabel={t('common.save')}
      submitting={save.isPending}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate(undefined);
      }}
    >
      <TextField
        label={t('vid.persons.name')}
        hint={t('vid.persons.nameHint')}
        value={name}
        maxLength={120}
        onChange={(e) => setName(e.target.value)}
        error={save.isError ? errorMessage(t, save.error) : null}
        optional
      />
    </FormModal>
  );
}

/** Links (or unlinks) an employee; a new link enrols the person's crops (onLinked). */
function LinkPerson({
  person,
  onClose,
  onLinked,
}: {
  person: Person;
  onClose: () => void;
  onLinked: () => void;
}) {
  const { t } = useTranslation();
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const save = usePersonMutation(
    async () => {
      await videosApi.patchPerson(person.id, { employeeId: employee?.id ?? null });
      if (employee) onLinked();
    },
    onClose,
    t('vid.persons.linkedDone'),
  );
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('vid.persons.linkTitle', { code: person.code })}
      description={t('vid.persons.linkHint')}
      formId="link-person"
      submitLabel={employee ? t('vid.persons.link') : t('vid.persons.unlink')}
      submitting={save.isPending}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate(undefined);
      }}
    >
      <Field label={t('vid.persons.employee')} error={save.isError ? errorMessage(t, save.error) : null}>
        {(p) => (
          <EmployeeCombobox
            control={p}
            value={employee}
            onChange={setEmployee}
            queryKey="video-person-employee"
            noneLabel={t('common.none')}
          />
        )}
      </Field>
    </FormModal>
  );
}

function MergePerson({
  person,
  everyone,
  onClose,
}: {
  person: Person;
  everyone: Person[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [intoId, setIntoId] = useState('');
  const save = usePersonMutation(
    () => videosApi.mergePerson(person.id, intoId),
    onClose,
    t('vid.persons.mergedDone'),
  );
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('vid.persons.mergeTitle', { code: person.code })}
      description={t('vid.persons.mergeHint', { code: person.code })}
      formId="merge-person"
      submitLabel={t('vid.persons.merge')}
      submitting={save.isPending}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (intoId) save.mutate(undefined);
      }}
    >
      <SelectField
        label={t('vid.persons.mergeInto')}
        value={intoId}
        onChange={(e) => setIntoId(e.target.value)}
        error={save.isError ? errorMessage(t, save.error) : null}
      >
        <option value="">{t('vid.persons.choose')}</option>
        {everyone
          .filter((o) => o.id !== person.id)
          .map((o) => (
            <option key={o.id} value={o.id}>
              {o.name ? `${o.code} · ${o.name}` : o.code}
            </option>
          ))}
      </SelectField>
    </FormModal>
  );
}

/** Undo a wrong merge: the person's appearance in one video becomes a new person. */
function SplitPerson({ person, onClose }: { person: Person; onClose: () => void }) {
  const { t } = useTranslation();
  const [videoId, setVideoId] = useState(person.videos[0]?.videoId ?? '');
  const video = person.videos.find((v) => v.videoId === videoId);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const save = usePersonMutation(
    () =>
      videosApi.splitPerson(person.id, {
        videoId,
        ...(picked.size > 0 ? { rangeIndexes: [...picked].sort((a, b) => a - b) } : {}),
      }),
    onClose,
    t('vid.persons.splitDone'),
  );
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('vid.persons.splitTitle', { code: person.code })}
      description={t('vid.persons.splitHint')}
      formId="split-person"
      submitLabel={t('vid.persons.split')}
      submitting={save.isPending}
      formClassName="space-y-4"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (videoId) save.mutate(undefined);
      }}
    >
      <SelectField
        label={t('vid.persons.splitVideo')}
        value={videoId}
        onChange={(e) => {
          setVideoId(e.target.value);
          setPicked(new Set());
        }}
        error={save.isError ? errorMessage(t, save.error) : null}
      >
        {person.videos.map((v) => (
          <option key={v.videoId} value={v.videoId}>
            {v.title}
          </option>
        ))}
      </SelectField>
      {video && video.ranges.length > 1 ? (
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-fg">{t('vid.persons.splitRanges')}</legend>
          <div className="flex flex-wrap gap-2">
            {video.ranges.map((r, i) => (
              <label
                key={i}
                className="flex items-center gap-1.5 rounded-md bg-surface-2 px-2 py-1 text-xs tabular-nums"
              >
                <input
                  type="checkbox"
                  checked={picked.has(i)}
                  onChange={(e) =>
                    setPicked((s) => {
                      const n = new Set(s);
                      if (e.target.checked) n.add(i);
                      else n.delete(i);
                      return n;
                    })
                  }
                />
                {formatClock(r.startSec)}–{formatClock(r.endSec)}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
    </FormModal>
  );
}
