import { useEffect, useRef, useState } from 'react';
import type { WsServerMessage } from '@hadir/contracts';
import { liveSocket, type LiveStatus } from './live-socket';

/** Calls `onMessage` for every live event while the component is mounted (latest callback wins). */
export function useLiveEvents(onMessage: (message: WsServerMessage) => void): void {
  const ref = useRef(onMessage);
  useEffect(() => {
    ref.current = onMessage;
  });
  useEffect(() => liveSocket.subscribe((m) => ref.current(m)), []);
}

export function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(liveSocket.status);
  useEffect(() => liveSocket.onStatus(setStatus), []);
  return status;
}

/**
 * Collects live events and hands them over once per animation frame, so a burst of 1,000 presence
 * changes is one React update, not 1,000.
 */
export function useBatchedLiveEvents(onBatch: (messages: WsServerMessage[]) => void): void {
  const ref = useRef(onBatch);
  const queue = useRef<WsServerMessage[]>([]);
  const frame = useRef<number | null>(null);
  useEffect(() => {
    ref.current = onBatch;
  });
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );
  useLiveEvents((m) => {
    queue.current.push(m);
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      const batch = queue.current;
      queue.current = [];
      ref.current(batch);
    });
  });
}

/** A clock that ticks every `everyMs` (relative times such as "6 min ago" stay true). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
