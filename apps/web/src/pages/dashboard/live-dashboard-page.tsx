import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PresenceChange, PresenceEntry, PresenceStateName, WsServerMessage } from '@hadir/contracts';
import { orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { formatNumber } from '../../i18n/format';
import {
  Card,
  CardBody,
  CardHeader,
  cx,
  EmptyState,
  NamedOptions,
  SearchField,
  SelectField,
  Icon,
  PageHeader,
  Skeleton,
  Pagination,
  FormError,
} from '@hadir/ui';
import { FilterToggle, phoneHidden } from '../shared/filter-toggle';
import { useBatchedLiveEvents, useLiveStatus, useNow } from '../../live/use-live';
import { alertsApi, camerasApi, dashKeys, facesApi, presenceApi, type PresenceFilter } from './dashboard-api';
import { LiveIndicator } from './live-indicator';
import { StateBadge, STATE_ORDER, stateTone } from './state-badge';
import { initials, relativeTime } from './time';

const PAGE_SIZE = 48;
const POLL_MS = 15_000;
/** After live changes, the counts and order are re-read at most this often. */
const RESYNC_MS = 4_000;

/** The live board: who is available, off, unknown or outside hours, updated over the WebSocket. */
export function LiveDashboardPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const live = useLiveStatus();
  const canAlerts = useCan('alert:view');
  const canCameras = useCan('camera:view');
  const canPhotos = useCan('member:face:view');
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<PresenceFilter>({ page: 1, pageSize: PAGE_SIZE });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [overlay, setOverlay] = useState<ReadonlyMap<string, PresenceChange>>(new Map());
  const resync = useRef<number | null>(null);

  useEffect(() => {
    const q = search.trim();
    if ((filter.q ?? '') === q) return;
    const h = window.setTimeout(() => setFilter((f) => ({ ...f, q: q || undefined, page: 1 })), 300);
    return () => window.clearTimeout(h);
  }, [search, filter.q]);

  const polling = live !== 'open';
  const presence = useQuery({
    queryKey: [...dashKeys.presence, filter],
    queryFn: () => presenceApi.live(filter),
    placeholderData: keepPreviousData,
    refetchInterval: polling ? POLL_MS : false,
  });
  const alerts = useQuery({
    queryKey: [...dashKeys.alerts, 'open', 1],
    queryFn: () => alertsApi.list({ scope: 'open', page: 1, pageSize: 5 }),
    enabled: canAlerts,
    refetchInterval: polling ? POLL_MS : false,
  });
  const cameras = useQuery({
    queryKey: dashKeys.cameras,
    queryFn: camerasApi.list,
    enabled: canCameras,
    refetchInterval: polling ? POLL_MS : false,
  });
  const areas = useQuery({ queryKey: queryKeys.areas, queryFn: orgApi.areas, staleTime: 60_000 });
  const departments = useQuery({
    queryKey: queryKeys.departments,
    queryFn: orgApi.departments,
    staleTime: 60_000,
  });

  // Server data supersedes what the socket told us before it was fetched.
  useEffect(() => setOverlay(new Map()), [presence.dataUpdatedAt]);
  useEffect(
    () => () => {
      if (resync.current !== null) window.clearTimeout(resync.current);
    },
    [],
  );

  const scheduleResync = useCallback(
    (key: readonly string[]) => {
      if (resync.current !== null) return;
      resync.current = window.setTimeout(() => {
        resync.current = null;
        void qc.invalidateQueries({ queryKey: key });
      }, RESYNC_MS);
    },
    [qc],
  );

  useBatchedLiveEvents((batch: WsServerMessage[]) => {
    let presenceChanged = false;
    const changes = new Map<string, PresenceChange>();
    for (const m of batch) {
      if (m.type === 'presence.changed') {
        changes.set(m.presence.employeeId, m.presence);
        presenceChanged = true;
      } else if (m.type === 'alert.opened' || m.type === 'alert.updated' || m.type === 'alert.resolved') {
        void qc.invalidateQueries({ queryKey: dashKeys.alerts });
      } else if (m.type === 'camera.status' || m.type === 'camera.removed') {
        qc.setQueryData(dashKeys.cameras, (old: typeof cameras.data) => {
          if (!old) return old;
          if (m.type === 'camera.removed') return old.filter((c) => c.id !== m.cameraId);
          const i = old.findIndex((c) => c.id === m.camera.id);
          return i < 0 ? [...old, m.camera] : old.map((c, j) => (j === i ? m.camera : c));
        });
      }
    }
    if (presenceChanged) {
      setOverlay((prev) => {
        const next = new Map(prev);
        for (const [id, c] of changes) next.set(id, c);
        return next;
      });
      scheduleResync(dashKeys.presence);
    }
  });

  const items = useMemo(() => {
    const base = presence.data?.items ?? [];
    if (overlay.size === 0) return base;
    return base.map((e) => {
      const c = overlay.get(e.employeeId);
      return c
        ? {
            ...e,
            state: c.state,
            reason: c.reason,
            since: c.since,
            lastSeenAt: c.lastSeenAt,
            lastCameraName: c.lastCameraName ?? e.lastCameraName,
          }
        : e;
    });
  }, [presence.data, overlay]);

  // Counts move with the live changes of the people on this page; the resync corrects the rest.
  const counts = useMemo(() => {
    const base = presence.data?.counts;
    if (!base || overlay.size === 0) return base;
    const next = { ...base };
    for (const e of presence.data?.items ?? []) {
      const c = overlay.get(e.employeeId);
      if (!c || c.state === e.state) continue;
      next[e.state] = Math.max(0, next[e.state] - 1);
      next[c.state] += 1;
    }
    return next;
  }, [presence.data, overlay]);
  const downCameras = (cameras.data ?? []).filter(
    (c) => c.enabled && (c.status.state === 'offline' || c.status.state === 'degraded'),
  );
  const disabledCameras = (cameras.data ?? []).filter((c) => !c.enabled).length;
  const locale = currentLocale();
  const n = (v: number) => formatNumber(v, locale);
  const filtered = Boolean(filter.q || filter.areaId || filter.departmentId || filter.state);

  return (
    <>
      <PageHeader
        title={t('dash.live.title')}
        description={t('dash.live.subtitle')}
        actions={<LiveIndicator />}
      />

      <section aria-label={t('dash.live.countsLabel')} className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4">
        {STATE_ORDER.map((s) => {
          const active = filter.state === s;
          return (
            <button
              key={s}
              type="button"
              aria-pressed={active}
              onClick={() => setFilter((f) => ({ ...f, state: active ? undefined : s, page: 1 }))}
              className={cx(
                'flex min-w-0 items-center justify-between gap-2 rounded-xl border bg-surface px-4 py-3 text-left shadow-sm transition-colors hover:bg-surface-2',
                'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
                active ? 'border-primary ring-2 ring-primary/30' : 'border-border',
              )}
            >
              <span className="min-w-0">
                <span className="block truncate text-sm text-muted">{t(`dash.state.${s}`)}</span>
                <span
                  className="block text-2xl font-semibold text-fg tabular-nums"
                  data-testid={`count-${s}`}
                >
                  {counts ? n(counts[s]) : '–'}
                </span>
              </span>
              <span aria-hidden="true" className={cx('h-3 w-3 shrink-0 rounded-full', DOT[stateTone(s)])} />
            </button>
          );
        })}
      </section>

      <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_20rem]">
        <Card className="min-w-0">
          <div
            id="live-filters"
            className="grid grid-cols-2 gap-3 border-b border-border p-4 sm:grid-cols-3 2xl:grid-cols-[2fr_1fr_1fr_1fr]"
          >
            <SearchField
              label={t('dash.live.search')}
              className="col-span-2 sm:col-span-3 2xl:col-span-1"
              placeholder={t('dash.live.searchPlaceholder')}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <FilterToggle
              open={filtersOpen}
              onToggle={() => setFiltersOpen((v) => !v)}
              active={[filter.areaId, filter.departmentId, filter.state].filter(Boolean).length}
              controls="live-filters"
            />
            <SelectField
              label={t('dash.common.area')}
              className={cx('col-span-2 sm:col-span-1', phoneHidden(filtersOpen))}
              value={filter.areaId ?? ''}
              onChange={(e) => setFilter((f) => ({ ...f, areaId: e.target.value || undefined, page: 1 }))}
            >
              <NamedOptions none={t('dash.common.allAreas')} items={areas.data} />
            </SelectField>
            <SelectField
              label={t('dash.common.department')}
              className={cx('col-span-2 sm:col-span-1', phoneHidden(filtersOpen))}
              value={filter.departmentId ?? ''}
              onChange={(e) =>
                setFilter((f) => ({ ...f, departmentId: e.target.value || undefined, page: 1 }))
              }
            >
              <NamedOptions none={t('dash.common.allDepartments')} items={departments.data} />
            </SelectField>
            <SelectField
              label={t('dash.common.status')}
              className={cx('col-span-2 sm:col-span-1', phoneHidden(filtersOpen))}
              value={filter.state ?? ''}
              onChange={(e) =>
                setFilter((f) => ({
                  ...f,
                  state: (e.target.value || undefined) as PresenceStateName | undefined,
                  page: 1,
                }))
              }
            >
              <option value="">{t('dash.common.allStatuses')}</option>
              {STATE_ORDER.map((s) => (
                <option key={s} value={s}>
                  {t(`dash.state.${s}`)}
                </option>
              ))}
            </SelectField>
          </div>
          {presence.error ? (
            <div className="p-4">
              <FormError>{errorMessage(t, presence.error)}</FormError>
            </div>
          ) : null}
          {presence.isPending ? (
            <div className="grid gap-3 p-4 sm:grid-cols-2 2xl:grid-cols-3">
              {Array.from({ length: 6 }, (_, i) => (
                <Skeleton key={i} className="h-24" />
              ))}
            </div>
          ) : items.length === 0 ? (
            <EmptyState
              icon="users"
              title={filtered ? t('dash.live.emptyFiltered') : t('dash.live.empty')}
              description={filtered ? undefined : t('dash.live.emptyHint')}
            />
          ) : (
            <EmployeeGrid items={items} canPhotos={canPhotos} />
          )}
          {presence.data && presence.data.total > PAGE_SIZE ? (
            <Pagination
              page={filter.page}
              pageSize={PAGE_SIZE}
              total={presence.data.total}
              onPageChange={(page) => setFilter((f) => ({ ...f, page }))}
            />
          ) : null}
        </Card>

        <div className="flex min-w-0 flex-col gap-4">
          {canAlerts ? (
            <Card>
              <CardHeader
                title={t('dash.live.openAlerts')}
                actions={
                  <Link
                    to="/alerts"
                    className="text-sm font-medium text-primary-text underline-offset-2 hover:underline"
                  >
                    {t('dash.live.viewAll')}
                  </Link>
                }
              />
              <CardBody className="space-y-2">
                {alerts.data && alerts.data.items.length === 0 ? (
                  <p className="flex items-center gap-2 text-sm text-muted">
                    <Icon name="check" size={16} className="text-accent-text" />
                    {t('dash.live.noOpenAlerts')}
                  </p>
                ) : null}
                {alerts.data?.items.map((a) => (
                  <Link
                    key={a.id}
                    to="/alerts"
                    className="block rounded-lg border border-border px-3 py-2 hover:bg-surface-2"
                  >
                    <span className="flex items-center gap-2 text-sm font-medium text-fg">
                      <Icon name="alert" size={16} className="shrink-0 text-danger-text" />
                      <span className="truncate">{a.kind === 'absence' ? a.employeeName : a.cameraName}</span>
                    </span>
                    <span className="block text-xs text-muted">
                      {t(`dash.alerts.kind.${a.kind}`)} · <RelativeTime iso={a.openedAt} />
                    </span>
                  </Link>
                ))}
                {alerts.data && alerts.data.total > alerts.data.items.length ? (
                  <p className="text-xs text-muted">
                    {t('dash.live.moreAlerts', { count: alerts.data.total - alerts.data.items.length })}
                  </p>
                ) : null}
              </CardBody>
            </Card>
          ) : null}
          {canCameras ? (
            <Card>
              <CardHeader
                title={t('dash.live.camerasDown')}
                actions={
                  <Link
                    to="/cameras"
                    className="text-sm font-medium text-primary-text underline-offset-2 hover:underline"
                  >
                    {t('dash.live.viewAll')}
                  </Link>
                }
              />
              <CardBody className="space-y-2">
                {cameras.data && downCameras.length === 0 ? (
                  <p className="flex items-center gap-2 text-sm text-muted">
                    <Icon name="check" size={16} className="text-accent-text" />
                    {cameras.data.length === 0
                      ? t('dash.live.noCameras')
                      : disabledCameras === cameras.data.length
                        ? t('fh.cameras.allDisabled')
                        : disabledCameras > 0
                          ? t('fh.cameras.enabledUp', { disabled: disabledCameras })
                          : t('dash.live.allCamerasUp')}
                  </p>
                ) : null}
                {downCameras.map((c) => (
                  <div key={c.id} className="rounded-lg border border-border px-3 py-2">
                    <p className="truncate text-sm font-medium text-fg">{c.name}</p>
                    <p className="truncate text-xs text-danger-text">
                      {t(`dash.cameras.state.${c.status.state}`)}
                      {c.status.lastError ? ` · ${c.status.lastError}` : ''}
                    </p>
                  </div>
                ))}
              </CardBody>
            </Card>
          ) : null}
          {polling ? <p className="text-xs text-muted">{t('dash.live.pollingNote')}</p> : null}
        </div>
      </div>
    </>
  );
}

const DOT = {
  success: 'bg-accent',
  danger: 'bg-danger',
  neutral: 'bg-neutral-text',
  slate: 'bg-slate-text',
  warning: 'bg-warning-text',
  primary: 'bg-primary',
} as const;

/** One shared ticking clock for every card on the page (a timer per card would be 1,000 timers). */
function EmployeeGrid({ items, canPhotos }: { items: PresenceEntry[]; canPhotos: boolean }) {
  const { t } = useTranslation();
  const now = useNow(30_000);
  return (
    <ul aria-label={t('dash.live.employees')} className="grid gap-3 p-4 sm:grid-cols-2 2xl:grid-cols-3">
      {items.map((e) => (
        <EmployeeCard key={e.employeeId} entry={e} now={now} canPhotos={canPhotos} />
      ))}
    </ul>
  );
}

const EmployeeCard = memo(function EmployeeCard({
  entry: e,
  now,
  canPhotos,
}: {
  entry: PresenceEntry;
  now: number;
  canPhotos: boolean;
}) {
  const { t } = useTranslation();
  const locale = currentLocale();
  const seen = e.lastSeenAt
    ? e.lastCameraName
      ? t('dash.live.lastSeenAt', { ago: relativeTime(e.lastSeenAt, now, locale), camera: e.lastCameraName })
      : t('dash.live.lastSeen', { ago: relativeTime(e.lastSeenAt, now, locale) })
    : t('dash.live.neverSeen');
  return (
    <li
      className="flex min-w-0 items-start gap-3 rounded-xl border border-border bg-surface p-3"
      data-testid="presence-card"
      data-employee-code={e.employeeCode}
      data-state={e.state}
    >
      <Avatar employeeId={e.employeeId} name={e.name} canPhotos={canPhotos && e.hasPhoto} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center justify-between gap-x-2 gap-y-1">
          <p className="min-w-0 truncate font-medium text-fg">{e.name}</p>
          <StateBadge state={e.state} />
        </div>
        <p className="truncate text-xs text-muted">
          <span className="font-mono">{e.employeeCode}</span>
          {e.departmentName ? ` · ${e.departmentName}` : ''}
          {e.areaName ? ` · ${e.areaName}` : ''}
        </p>
        <p className="mt-1 text-xs text-fg/80">{seen}</p>
        {e.reason && e.state !== 'available' ? (
          <p className="text-xs text-muted">{t(`dash.reason.${e.reason}`)}</p>
        ) : null}
      </div>
    </li>
  );
});

/**
 * Enrolled face crop when there is one, else initials. Lists pass `hasPhoto` from the API so nobody
 * asks for a photo that does not exist; a 404 anyway (deleted meanwhile) is remembered per session.
 */
const noPhoto = new Set<string>();

export function Avatar({
  employeeId,
  name,
  canPhotos,
  size = 48,
}: {
  employeeId: string;
  name: string;
  canPhotos: boolean;
  size?: number;
}) {
  const [failed, setFailed] = useState(() => noPhoto.has(employeeId));
  const style = { width: size, height: size };
  if (!canPhotos || failed) {
    return (
      <span
        aria-hidden="true"
        style={style}
        className="flex shrink-0 items-center justify-center rounded-full bg-primary-soft text-sm font-semibold text-primary-text"
      >
        {initials(name)}
      </span>
    );
  }
  return (
    <img
      src={facesApi.photoUrl(employeeId)}
      alt=""
      loading="lazy"
      style={style}
      className="shrink-0 rounded-full bg-surface-2 object-cover"
      onError={() => {
        noPhoto.add(employeeId);
        setFailed(true);
      }}
    />
  );
}

export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow(30_000);
  return <time dateTime={iso}>{relativeTime(iso, now, currentLocale())}</time>;
}
