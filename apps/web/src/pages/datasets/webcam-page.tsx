import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { WebcamResult } from '@hadir/contracts';
import { orgApi, queryKeys } from '../../api/endpoints';
import { Badge, Button, Card, EmptyState, FormError, PageHeader } from '@hadir/ui';

type Result = WebcamResult;
type State = 'idle' | 'starting' | 'running' | 'error';

/** Longest side of the frames sent: enough for faces at arm's length, small enough to send 10 a second. */
const SEND_MAX_PX = 640;

/**
 * Label size in CSS pixels for a picture shown `displayedPx` wide: readable on a phone (never below 13 px),
 * not shouting on a wall screen. The SVG draws in frame pixels, so the caller divides by the scale.
 */
export function labelCssPx(displayedPx: number): number {
  return Math.min(22, Math.max(13, displayedPx / 40));
}

/** The displayed size of an element, kept up to date (rotation, sidebar, window size). */
function useDisplayedSize(el: HTMLElement | null): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      const r = entry!.contentRect;
      setSize({ width: r.width, height: r.height });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  return size;
}

/**
 * Live recognition from this device's camera: each frame goes to the server over its own WebSocket, the
 * next only after the answer (names and boxes) came back, drawn over the picture.
 */
export function WebcamPage() {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const stop = useRef<(() => void) | null>(null);
  const [state, setState] = useState<State>('idle');
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [recorded, setRecorded] = useState<{ names: string[]; at: number } | null>(null);
  const [frameBox, setFrameBox] = useState<HTMLDivElement | null>(null);
  const shown = useDisplayedSize(frameBox);
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get, staleTime: 60_000 });
  const recording = org.data?.settings.libraryAttendance
    ? org.data.settings.webcamAttendanceIntervalMinutes
    : null;
  const [stats, setStats] = useState<{ fps: number; serverMs: number; frames: number }>({
    fps: 0,
    serverMs: 0,
    frames: 0,
  });

  useEffect(() => () => stop.current?.(), []);

  const start = async () => {
    setError(null);
    setState('starting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 } }, audio: false });
    } catch {
      setError(t('ds.webcam.noCamera'));
      setState('error');
      return;
    }
    const el = video.current!;
    el.srcObject = stream;
    await el.play().catch(() => undefined);
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/api/webcam/ws`);
    ws.binaryType = 'arraybuffer';
    const canvas = document.createElement('canvas');
    let stopped = false;
    let frames = 0;
    const began = performance.now();
    const send = () => {
      if (stopped || ws.readyState !== WebSocket.OPEN) return;
      if (!el.videoWidth) {
        setTimeout(send, 100);
        return;
      }
      const scale = Math.min(1, SEND_MAX_PX / Math.max(el.videoWidth, el.videoHeight));
      canvas.width = Math.round(el.videoWidth * scale);
      canvas.height = Math.round(el.videoHeight * scale);
      canvas.getContext('2d')!.drawImage(el, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((blob) => (blob && !stopped ? ws.send(blob) : undefined), 'image/jpeg', 0.8);
    };
    ws.onopen = () => {
      setState('running');
      send();
    };
    ws.onmessage = (ev: MessageEvent<string>) => {
      const msg = JSON.parse(ev.data) as { type: string; message?: string };
      if (msg.type === 'webcam.result') {
        const r = WebcamResult.parse(msg);
        frames++;
        setResult(r);
        if (r.recorded.length > 0) setRecorded({ names: r.recorded.map((x) => x.name), at: Date.now() });
        setStats({ frames, serverMs: r.serverMs, fps: (frames * 1000) / (performance.now() - began) });
      } else if (msg.type === 'webcam.error') setError(msg.message ?? t('common.unknownError'));
      send();
    };
    ws.onclose = (ev) => {
      if (stopped) return;
      setError(ev.code === 1006 || ev.code >= 4000 ? t('ds.webcam.closed') : t('common.networkError'));
      setState('error');
    };
    stop.current = () => {
      stopped = true;
      ws.close();
      stream.getTracks().forEach((tr) => tr.stop());
      el.srcObject = null;
    };
  };

  const onStop = () => {
    stop.current?.();
    stop.current = null;
    setState('idle');
    setResult(null);
  };

  const faces = result?.faces ?? [];
  // The picture is drawn `object-contain` in its box: one frame pixel is `scale` CSS pixels.
  const scale =
    result && shown.width ? Math.min(shown.width / result.width, shown.height / result.height) : 1;
  const fs = result ? labelCssPx(result.width * scale) / scale : 16;
  const stroke = 2 / scale;
  const running = state === 'running' || state === 'starting';
  return (
    <>
      <PageHeader title={t('ds.webcam.title')} description={t('ds.webcam.subtitle')} />
      {error ? (
        <div className="mb-4">
          <FormError>{error}</FormError>
        </div>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card className="overflow-hidden p-0">
          <div
            ref={setFrameBox}
            className="relative max-h-[70vh] w-full bg-black"
            style={{ aspectRatio: result ? `${result.width} / ${result.height}` : '16 / 9' }}
            data-testid="webcam-frame"
          >
            <video
              ref={video}
              muted
              playsInline
              className="absolute inset-0 h-full w-full object-contain"
              data-testid="webcam-video"
            />
            {result ? (
              <svg
                viewBox={`0 0 ${result.width} ${result.height}`}
                preserveAspectRatio="xMidYMid meet"
                className="pointer-events-none absolute inset-0 h-full w-full"
                aria-hidden="true"
              >
                {faces.map((f, i) => {
                  const color = f.name ? 'var(--accent)' : '#f59e0b';
                  const text = f.name ?? t('ds.models.unknown');
                  // A label may be wider than a small face's box; it stays inside the picture.
                  const labelW = Math.max(f.box.width, text.length * fs * 0.6 + fs * 0.6);
                  const labelX = Math.max(0, Math.min(f.box.x, result.width - labelW));
                  const above = f.box.y >= fs * 1.4;
                  const labelY = above ? f.box.y - fs * 1.4 : f.box.y + f.box.height;
                  return (
                    <g key={i} data-testid="webcam-box" data-font-px={(fs * scale).toFixed(1)}>
                      <rect
                        x={f.box.x}
                        y={f.box.y}
                        width={f.box.width}
                        height={f.box.height}
                        fill="none"
                        stroke={color}
                        strokeWidth={stroke}
                      />
                      <rect
                        x={labelX}
                        y={labelY}
                        width={labelW}
                        height={fs * 1.4}
                        fill={color}
                        rx={fs * 0.2}
                      />
                      <text
                        x={labelX + fs * 0.3}
                        y={labelY + fs * 1.05}
                        fontSize={fs}
                        fontWeight={600}
                        fill="#fff"
                      >
                        {text}
                      </text>
                    </g>
                  );
                })}
              </svg>
            ) : null}
            {state === 'idle' || state === 'error' ? (
              <div className="absolute inset-0 flex items-center justify-center">
                <EmptyState icon="camera" title={t('ds.webcam.idle')} />
              </div>
            ) : null}
          </div>
          <div className="flex flex-wrap items-center gap-3 border-t border-border p-3 sm:px-5">
            {running ? (
              <Button onClick={onStop} icon="close" className="w-full sm:w-auto" data-testid="webcam-stop">
                {t('ds.webcam.stop')}
              </Button>
            ) : (
              <Button
                variant="primary"
                icon="camera"
                onClick={() => void start()}
                className="w-full sm:w-auto"
                data-testid="webcam-start"
              >
                {t('ds.webcam.start')}
              </Button>
            )}
            {state === 'running' ? (
              <span data-testid="webcam-stats" data-frames={stats.frames}>
                <Badge tone="neutral">
                  {t('ds.webcam.stats', { fps: stats.fps.toFixed(1), ms: stats.serverMs })}
                </Badge>
              </span>
            ) : null}
          </div>
        </Card>
        <Card className="p-4 sm:p-5">
          <h2 className="mb-2 text-base font-semibold text-fg">{t('ds.webcam.seen')}</h2>
          <div className="mb-3 flex flex-wrap gap-2">
            <Badge tone={result?.model ? 'success' : 'slate'}>
              {result?.model
                ? t('ds.webcam.model', { number: result.model.number })
                : t('ds.webcam.enrolmentOnly')}
            </Badge>
          </div>
          {recording !== null ? (
            <p className="mb-3 text-sm text-muted" data-testid="webcam-recording">
              {t('ds.webcam.recordingOn', { minutes: recording })}
            </p>
          ) : null}
          {recorded ? (
            <p
              className="mb-3 rounded-lg bg-accent-soft px-3 py-2 text-sm font-medium text-accent-text"
              role="status"
              data-testid="webcam-recorded"
            >
              {t('ds.webcam.recorded', { names: recorded.names.join(', ') })}
            </p>
          ) : null}
          {faces.length === 0 ? (
            <p className="text-sm text-muted">{t('ds.webcam.none')}</p>
          ) : (
            <ul className="space-y-2" data-testid="webcam-faces">
              {faces.map((f, i) => (
                <li key={i} className="flex items-center justify-between gap-2 text-sm">
                  <span className={f.name ? 'font-medium text-fg' : 'text-muted'} data-testid="webcam-name">
                    {f.name ?? t('ds.models.unknown')}
                  </span>
                  <span className="text-xs text-muted tabular-nums">
                    {t(`ds.webcam.by.${f.by}`)} · {f.score.toFixed(2)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
