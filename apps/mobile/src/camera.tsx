import { useEffect, useRef, useState, type RefObject } from 'react';

/** The front camera in a <video>; frames are taken as JPEG base64 (what the server verifies). */
export function useCamera(): {
  videoRef: RefObject<HTMLVideoElement | null>;
  ready: boolean;
  error: boolean;
  capture: () => string | null;
} {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState(false);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let cancelled = false;
    navigator.mediaDevices
      ?.getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } } })
      .then(async (s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        const v = videoRef.current;
        if (v) {
          v.srcObject = s;
          await v.play().catch(() => undefined);
          setReady(true);
        }
      })
      .catch(() => setError(true));
    if (!navigator.mediaDevices) setError(true);
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);
  const capture = () => {
    const v = videoRef.current;
    if (!v || !v.videoWidth) return null;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext('2d')?.drawImage(v, 0, 0);
    return c.toDataURL('image/jpeg', 0.85).split(',')[1] ?? null;
  };
  return { videoRef, ready, error, capture };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes `n` frames `gapMs` apart (the person turns their head meanwhile: the liveness challenge). */
export async function captureFrames(
  capture: () => string | null,
  n: number,
  gapMs: number,
): Promise<string[]> {
  const frames: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = capture();
    if (f) frames.push(f);
    if (i < n - 1) await sleep(gapMs);
  }
  return frames;
}
