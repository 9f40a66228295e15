import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { VideoDetail } from '@hadir/contracts';
import { useCan } from '../../auth/session';
import { useLiveEvents } from '../../live/use-live';
import { Button, ButtonLink, Card, CardHeader, cx, EmptyState, PageHeader, PageSpinner } from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import { CreateEmployeeFromPerson } from './person-employee';
import { PersonThumb } from './person-thumb';
import { ProgressBar, VideoStatusBadge } from './video-parts';
import {
  boxAt,
  formatClock,
  nextRangeIndex,
  previousRangeIndex,
  rangeIndexAt,
  type Box,
} from './video-ranges';
import { videoKeys, videosApi } from './videos-api';

type Person = VideoDetail['people'][number];

/** Typical spacing of a person's analysed boxes, so a box is drawn only near a frame that saw them. */
function boxGapSec(boxes: readonly Box[]): number {
  if (boxes.length < 2) return 0.5;
  const gaps = boxes
    .slice(1)
    .map((b, i) => b.t - boxes[i]!.t)
    .sort((a, b) => a - b);
  return Math.min(1, Math.max(0.1, (gaps[gaps.length >> 1] ?? 0.2) * 1.5));
}

/**
 * One video: the player, the people in it and a timeline of their ranges. Choosing a person plays from
 * their first appearance and pauses where they leave; next/previous step through their ranges; their box
 * is drawn over the picture while it plays.
 */
export function VideoPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const detail = useQuery({ queryKey: videoKeys.detail(id), queryFn: () => videosApi.detail(id) });
  useLiveEvents((m) => {
    if (m.type !== 'video.progress' || m.videoId !== id) return;
    qc.setQueryData<VideoDetail>(videoKeys.detail(id), (old) =>
      old ? { ...old, status: m.status, stage: m.stage, progress: m.progress } : old,
    );
    if (m.status !== 'processing' && m.status !== 'queued')
      void qc.invalidateQueries({ queryKey: videoKeys.detail(id) });
  });

  if (detail.isError)
    return (
      <LoadFailed error={detail.error} action={<ButtonLink to="/videos">{t('common.back')}</ButtonLink>} />
    );
  if (detail.isPending) return <PageSpinner />;
  return <VideoView video={detail.data} />;
}

function VideoView({ video }: { video: VideoDetail }) {
  const { t } = useTranslation();
  const media = useRef<HTMLVideoElement>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [rangeIdx, setRangeIdx] = useState(-1);
  const [creating, setCreating] = useState(false);
  const canManageVideo = useCan('video:manage');
  const canManageMembers = useCan('member:manage');
  const canCreateEmployee = canManageVideo && canManageMembers;
  const [now, setNow] = useState(0);
  const [box, setBox] = useState<{ left: number; top: number; width: number; height: number } | null>(null);
  /** The end of the range being played: the player pauses there ("stop when they leave"). */
  const stopAt = useRef<number | null>(null);
  const people = useMemo(() => video.people.filter((p) => !p.person.ignored), [video.people]);
  const selected = people.find((p) => p.person.id === selectedId) ?? null;
  const gap = useMemo(() => (selected ? boxGapSec(selected.boxes) : 0.5), [selected]);

  // A per-frame loop while playing: the media clock's timeupdate fires only every ~250 ms, too coarse
  // to stop on a range's end or to move a box with the person.
  useEffect(() => {
    const el = media.current;
    if (!el) return;
    let frame = 0;
    const tick = () => {
      const tNow = el.currentTime;
      if (stopAt.current !== null && tNow >= stopAt.current) {
        el.pause();
        el.currentTime = stopAt.current;
        stopAt.current = null;
      }
      setNow(el.currentTime);
      if (selected) {
        const b = boxAt(selected.boxes, el.currentTime, gap);
        if (b && el.videoWidth > 0) {
          // The picture is letterboxed inside the element (object-contain): place the box on the picture.
          const scale = Math.min(el.clientWidth / el.videoWidth, el.clientHeight / el.videoHeight);
          const w = el.videoWidth * scale;
          const h = el.videoHeight * scale;
          const ox = (el.clientWidth - w) / 2;
          const oy = (el.clientHeight - h) / 2;
          setBox({ left: ox + b.x * w, top: oy + b.y * h, width: b.w * w, height: b.h * h });
        } else setBox(null);
        setRangeIdx(rangeIndexAt(selected.ranges, el.currentTime));
      } else setBox(null);
      if (!el.paused) frame = requestAnimationFrame(tick);
    };
    const start = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const onSeeked = () => {
      // A seek by hand outside the range being played ends "play this range".
      const r = selected?.ranges.find((x) => x.endSec === stopAt.current);
      if (r && (el.currentTime < r.startSec - 0.1 || el.currentTime > r.endSec)) stopAt.current = null;
      start();
    };
    // The box follows the picture when the player is resized (rotation, window), even while paused.
    const resized = new ResizeObserver(start);
    resized.observe(el);
    el.addEventListener('play', start);
    el.addEventListener('seeked', onSeeked);
    el.addEventListener('loadedmetadata', start);
    start();
    return () => {
      cancelAnimationFrame(frame);
      resized.disconnect();
      el.removeEventListener('play', start);
      el.removeEventListener('seeked', onSeeked);
      el.removeEventListener('loadedmetadata', start);
    };
  }, [selected, gap]);

  // Arriving from the persons page (?person=…&range=…): that person's range, ready to play.
  const [params] = useSearchParams();
  const wanted = useRef({ person: params.get('person'), range: Number(params.get('range') ?? 0) });
  useEffect(() => {
    const el = media.current;
    const w = wanted.current;
    const p = people.find((x) => x.person.id === w.person);
    if (!el || !p) return;
    const go = () => {
      wanted.current = { person: null, range: 0 };
      playRange(p, Math.min(p.ranges.length - 1, Math.max(0, w.range || 0)));
    };
    if (el.readyState >= 1) go();
    else el.addEventListener('loadedmetadata', go, { once: true });
    return () => el.removeEventListener('loadedmetadata', go);
  }, [people]);

  const playRange = (p: Person, idx: number) => {
    const el = media.current;
    const r = p.ranges[idx];
    if (!el || !r) return;
    setSelectedId(p.person.id);
    setRangeIdx(idx);
    stopAt.current = r.endSec;
    el.currentTime = r.startSec;
    void el.play().catch(() => undefined);
  };
  const at = media.current?.currentTime ?? now;
  const next = selected ? nextRangeIndex(selected.ranges, rangeIdx, at) : -1;
  const prev = selected ? previousRangeIndex(selected.ranges, rangeIdx, at) : -1;
  const dur = video.durationSec || 1;
  const label = (p: Person) => (p.person.name ? `${p.person.name} · ${p.person.code}` : p.person.code);

  return (
    <>
      <PageHeader
        title={video.title}
        description={t('vid.video.meta', {
          width: video.width,
          height: video.height,
          duration: formatClock(video.durationSec),
          fps: Math.round(video.fps),
        })}
        actions={
          <ButtonLink to="/videos" icon="chevronLeft">
            {t('vid.library.title')}
          </ButtonLink>
        }
      />
      <div className="space-y-5">
        <Card className="overflow-hidden">
          <div className="relative bg-black">
            <video
              ref={media}
              src={videosApi.mediaUrl(video.id)}
              poster={videosApi.posterUrl(video.id)}
              controls
              preload="metadata"
              playsInline
              data-testid="video-player"
              className="mx-auto block aspect-video max-h-[70vh] w-full object-contain"
            />
            {box ? (
              <div
                aria-hidden="true"
                data-testid="person-box"
                className="pointer-events-none absolute rounded-sm border-2 border-accent shadow-[0_0_0_1px_rgba(0,0,0,0.5)]"
                style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
              >
                <span className="absolute -top-6 left-0 rounded bg-accent px-1.5 py-0.5 text-xs font-semibold whitespace-nowrap text-accent-fg">
                  {selected ? label(selected) : null}
                </span>
              </div>
            ) : null}
          </div>
          <div className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-5">
            <div className="min-w-0 text-sm" aria-live="polite">
              {selected ? (
                <span className="text-fg">
                  {rangeIdx >= 0
                    ? t('vid.video.playingRange', {
                        who: label(selected),
                        n: rangeIdx + 1,
                        total: selected.ranges.length,
                        from: formatClock(selected.ranges[rangeIdx]!.startSec),
                        to: formatClock(selected.ranges[rangeIdx]!.endSec),
                      })
                    : t('vid.video.selected', { who: label(selected), total: selected.ranges.length })}
                </span>
              ) : (
                <span className="text-muted">{t('vid.video.pickPerson')}</span>
              )}
            </div>
            <div className="flex gap-2">
              <Button
                size="sm"
                icon="chevronLeft"
                disabled={!selected || prev < 0}
                onClick={() => selected && playRange(selected, prev)}
              >
                {t('vid.video.previousRange')}
              </Button>
              <Button
                size="sm"
                icon="chevronRight"
                disabled={!selected || next < 0}
                onClick={() => selected && playRange(selected, next)}
              >
                {t('vid.video.nextRange')}
              </Button>
              {selected && !selected.person.employeeId && canCreateEmployee ? (
                <Button
                  size="sm"
                  icon="plus"
                  onClick={() => setCreating(true)}
                  data-testid="video-create-employee"
                >
                  {t('vid.persons.createEmployee')}
                </Button>
              ) : null}
            </div>
          </div>
        </Card>

        {video.status !== 'ready' ? (
          <Card className="space-y-2 p-4 sm:p-5" data-testid="video-processing">
            <div className="flex items-center justify-between gap-3">
              <VideoStatusBadge status={video.status} />
              {video.status === 'processing' || video.status === 'queued' ? (
                <span className="text-sm text-muted tabular-nums">
                  {t(`vid.stage.${video.stage}`)} · {Math.round(video.progress * 100)}%
                </span>
              ) : null}
            </div>
            {video.status === 'processing' || video.status === 'queued' ? (
              <ProgressBar value={video.progress} label={t('vid.library.progress', { title: video.title })} />
            ) : video.error ? (
              <p className="text-sm text-danger-text">{video.error}</p>
            ) : null}
          </Card>
        ) : null}

        <Card>
          <CardHeader
            title={t('vid.video.people', { count: people.length })}
            description={t('vid.video.peopleHint')}
          />
          {people.length === 0 ? (
            <EmptyState
              icon="users"
              title={video.status === 'ready' ? t('vid.video.nobody') : t('vid.video.notYet')}
            />
          ) : (
            <>
              <ul className="flex gap-3 overflow-x-auto px-4 py-4 sm:px-5" data-testid="people-strip">
                {people.map((p) => {
                  const active = p.person.id === selectedId;
                  return (
                    <li key={p.person.id} className="shrink-0">
                      <button
                        type="button"
                        onClick={() => playRange(p, 0)}
                        aria-pressed={active}
                        data-testid="person-chip"
                        data-code={p.person.code}
                        className={cx(
                          'flex w-28 flex-col items-center gap-1.5 rounded-xl border p-2 text-center',
                          active ? 'border-accent bg-accent-soft' : 'border-border hover:bg-surface-2',
                        )}
                      >
                        <PersonThumb id={p.person.id} className="h-20 w-20" />
                        <span className="w-full truncate text-xs font-semibold text-fg">{p.person.code}</span>
                        <span className="w-full truncate text-xs text-muted">
                          {p.person.name ?? t('vid.persons.unnamed')}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
              <div className="border-t border-border px-4 py-4 sm:px-5">
                <h3 className="sr-only">{t('vid.video.timeline')}</h3>
                <ul className="space-y-2" data-testid="timeline">
                  {people.map((p) => (
                    <li
                      key={p.person.id}
                      className="grid grid-cols-[6.5rem_minmax(0,1fr)] items-center gap-3"
                    >
                      <span className="truncate text-xs font-medium text-fg" title={label(p)}>
                        {p.person.name ?? p.person.code}
                      </span>
                      <div className="relative h-6 rounded bg-surface-2">
                        {p.ranges.map((r, i) => (
                          <button
                            key={i}
                            type="button"
                            onClick={() => playRange(p, i)}
                            aria-label={t('vid.video.rangeLabel', {
                              who: label(p),
                              from: formatClock(r.startSec),
                              to: formatClock(r.endSec),
                            })}
                            title={`${formatClock(r.startSec)}–${formatClock(r.endSec)}`}
                            className={cx(
                              'absolute inset-y-0.5 min-w-1 rounded-sm',
                              p.person.id === selectedId && i === rangeIdx
                                ? 'bg-accent'
                                : 'bg-primary/70 hover:bg-primary',
                            )}
                            style={{
                              left: `${(r.startSec / dur) * 100}%`,
                              width: `${Math.max(0.5, ((r.endSec - r.startSec) / dur) * 100)}%`,
                            }}
                          />
                        ))}
                        <span
                          aria-hidden="true"
                          className="pointer-events-none absolute inset-y-0 w-0.5 bg-danger"
                          style={{ left: `${Math.min(100, (now / dur) * 100)}%` }}
                        />
                      </div>
                    </li>
                  ))}
                </ul>
                <div className="mt-1 grid grid-cols-[6.5rem_minmax(0,1fr)] gap-3 text-xs text-muted tabular-nums">
                  <span />
                  <span className="flex justify-between">
                    <span>{formatClock(0)}</span>
                    <span>{formatClock(video.durationSec)}</span>
                  </span>
                </div>
              </div>
            </>
          )}
        </Card>
        <p className="text-sm">
          <Link to="/videos/persons" className="text-primary-text hover:underline">
            {t('vid.video.allPersons')}
          </Link>
        </p>
      </div>
      {creating && selected ? (
        <CreateEmployeeFromPerson person={selected.person} onClose={() => setCreating(false)} />
      ) : null}
    </>
  );
}
