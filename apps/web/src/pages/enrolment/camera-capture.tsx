import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DetectedFaceView, FaceHint } from '@hadir/contracts';
import { Button, cx, FormError, Icon } from '@hadir/ui';
import { facesApi } from '../dashboard/dashboard-api';

export type CapturedPhoto = { blob: Blob; name: string; url: string };
const STEPS = ['front', 'left', 'right'] as const;
type Step = (typeof STEPS)[number];
const DETECT_EVERY_MS = 700;
const PREVIEW_WIDTH = 320;

type BrowserFace = { boundingBox: DOMRectReadOnly };
type BrowserFaceDetector = { detect(source: CanvasImageSource): Promise<BrowserFace[]> };
type FaceDetectorCtor = new (opts?: { fastMode?: boolean; maxDetectedFaces?: number }) => BrowserFaceDetector;

/**
 * Guided capture from the browser camera: a live face box with hints (the browser's FaceDetector when it
 * has one, else a 320-px preview frame sent to POST /api/faces/detect), then three angles captured at
 * full resolution and handed to `onDone` for enrolment.
 */
export function CameraCapture({
  onEnrol,
  busy,
}: {
  onEnrol: (photos: CapturedPhoto[]) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [faces, setFaces] = useState<DetectedFaceView[] | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [photos, setPhotos] = useState<CapturedPhoto[]>([]);
  const step: Step | null = STEPS[photos.length] ?? null;

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    setRunning(false);
    setFaces(null);
  }, []);
  useEffect(() => stop, [stop]);
  // Object URLs of the strip are released when it is cleared and on unmount.
  const urls = useRef<string[]>([]);
  useEffect(() => {
    const removed = urls.current.filter((u) => !photos.some((p) => p.url === u));
    removed.forEach((u) => URL.revokeObjectURL(u));
    urls.current = photos.map((p) => p.url);
  }, [photos]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const start = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia) {
      setError(t('dash.faces.camera.unavailable'));
      return;
    }
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: 'user' },
        audio: false,
      });
      stream.current = s;
      const v = video.current;
      if (v) {
        v.srcObject = s;
        await v.play().catch(() => undefined);
      }
      setRunning(true);
    } catch (e) {
      const name = e instanceof DOMException ? e.name : '';
      setError(
        name === 'NotAllowedError' ? t('dash.faces.camera.denied') : t('dash.faces.camera.unavailable'),
      );
    }
  };

  // Detection loop: one request in flight at a time, paced; stops with the camera.
  useEffect(() => {
    if (!running) return;
    let cancelled = false;
    let timer: number | undefined;
    const Ctor = (window as unknown as { FaceDetector?: FaceDetectorCtor }).FaceDetector;
    let browserDetector: BrowserFaceDetector | null = null;
    try {
      browserDetector = Ctor ? new Ctor({ fastMode: true, maxDetectedFaces: 3 }) : null;
    } catch {
      browserDetector = null;
    }
    const canvas = document.createElement('canvas');
    const tick = async () => {
      const v = video.current;
      if (!v || v.videoWidth === 0) return;
      setSize({ width: v.videoWidth, height: v.videoHeight });
      if (browserDetector) {
        const found = await browserDetector.detect(v);
        setFaces(
          found.map((f) => {
            const b = f.boundingBox;
            const hints: FaceHint[] =
              Math.min(b.width / v.videoWidth, b.height / v.videoHeight) < 0.15 ? ['too_small'] : [];
            return {
              box: { x: b.x, y: b.y, width: b.width, height: b.height },
              score: 1,
              quality: 1,
              yawDeg: null,
              hints,
            };
          }),
        );
        return;
      }
      const scale = PREVIEW_WIDTH / v.videoWidth;
      canvas.width = PREVIEW_WIDTH;
      canvas.height = Math.round(v.videoHeight * scale);
      canvas.getContext('2d')?.drawImage(v, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.7));
      if (!blob) return;
      const res = await facesApi.detect(blob);
      setFaces(
        res.faces.map((f) => ({
          ...f,
          box: {
            x: f.box.x / scale,
            y: f.box.y / scale,
            width: f.box.width / scale,
            height: f.box.height / scale,
          },
        })),
      );
    };
    const loop = async () => {
      try {
        await tick();
      } catch {
        setFaces(null); // detection is a help, not a gate: capture still works
      }
      if (!cancelled) timer = window.setTimeout(() => void loop(), DETECT_EVERY_MS);
    };
    void loop();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [running]);

  const capture = async () => {
    const v = video.current;
    if (!v || !step) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')?.drawImage(v, 0, 0);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.92));
    if (!blob) return;
    setPhotos((p) => [...p, { blob, name: `camera-${step}.jpg`, url: URL.createObjectURL(blob) }]);
  };

  const face = faces && faces.length === 1 ? faces[0] : null;
  const hint = !running
    ? null
    : faces === null
      ? null
      : faces.length === 0
        ? t('dash.faces.hint.noFace')
        : faces.length > 1
          ? t('dash.faces.hint.severalFaces')
          : face && face.hints.length > 0
            ? face.hints.map((h) => t(`dash.faces.hint.${h}`)).join(' · ')
            : t('dash.faces.hint.good');
  const good = face !== null && face !== undefined && face.hints.length === 0;

  return (
    <div className="space-y-3">
      {error ? <FormError>{error}</FormError> : null}
      <div className="relative mx-auto w-full max-w-xl overflow-hidden rounded-xl bg-black">
        {/* Mirrored like a mirror: people turn the way they see themselves move. */}
        <div className="relative -scale-x-100">
          <video
            ref={video}
            muted
            playsInline
            aria-label={t('dash.faces.camera.preview')}
            className={cx('block w-full', running ? '' : 'aspect-video')}
          />
          {running && size.width > 0
            ? (faces ?? []).map((f, i) => (
                <div
                  key={i}
                  aria-hidden="true"
                  data-testid="face-box"
                  className={cx(
                    'absolute rounded-md border-2',
                    faces?.length === 1 && f.hints.length === 0 ? 'border-accent' : 'border-warning-text',
                  )}
                  style={{
                    left: `${(f.box.x / size.width) * 100}%`,
                    top: `${(f.box.y / size.height) * 100}%`,
                    width: `${(f.box.width / size.width) * 100}%`,
                    height: `${(f.box.height / size.height) * 100}%`,
                  }}
                />
              ))
            : null}
        </div>
        {!running ? (
          <div className="absolute inset-0 flex items-center justify-center p-4">
            <Button variant="primary" onClick={() => void start()}>
              {t('dash.faces.camera.start')}
            </Button>
          </div>
        ) : null}
      </div>
      {running ? (
        <>
          <p
            role="status"
            aria-live="polite"
            data-testid="capture-hint"
            className={cx('text-center text-sm font-medium', good ? 'text-accent-text' : 'text-warning-text')}
          >
            {hint ?? t('dash.faces.hint.looking')}
          </p>
          {step ? (
            <p className="text-center text-sm text-fg">
              {t('dash.faces.camera.step', { n: photos.length + 1, total: STEPS.length })}{' '}
              <strong>{t(`dash.faces.camera.${step}`)}</strong>
            </p>
          ) : (
            <p className="text-center text-sm text-fg">{t('dash.faces.camera.allCaptured')}</p>
          )}
          <div className="flex flex-wrap justify-center gap-2">
            <Button variant="accent" onClick={() => void capture()} disabled={!step}>
              {t('dash.faces.camera.capture')}
            </Button>
            <Button onClick={stop}>{t('dash.faces.camera.stop')}</Button>
          </div>
        </>
      ) : null}
      {photos.length > 0 ? (
        <div className="space-y-3">
          <ul className="flex flex-wrap gap-2" aria-label={t('dash.faces.camera.captured')}>
            {photos.map((p, i) => (
              <li key={p.url} className="relative">
                <img
                  src={p.url}
                  alt={t(`dash.faces.camera.${STEPS[i] ?? 'front'}`)}
                  className="h-20 w-28 rounded-lg object-cover"
                />
              </li>
            ))}
          </ul>
          <div className="flex flex-wrap gap-2">
            <Button
              variant="primary"
              icon="upload"
              loading={busy}
              onClick={() => {
                onEnrol(photos);
                stop();
                // The blobs are in the upload already; the strip clears so "Enrol" cannot run twice.
                setPhotos([]);
              }}
            >
              {t('dash.faces.camera.enrol', { count: photos.length })}
            </Button>
            <Button onClick={() => setPhotos([])}>
              <Icon name="trash" size={16} />
              {t('dash.faces.camera.retake')}
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
