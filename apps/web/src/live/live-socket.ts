import { WsServerMessage } from '@hadir/contracts';

export type LiveStatus = 'connecting' | 'open' | 'closed';
type Listener = (message: WsServerMessage) => void;
type StatusListener = (status: LiveStatus) => void;

/** Backoff for reconnects: 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter so tabs do not stampede. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * One WebSocket per tab to /api/ws, shared by every page that listens. It connects while someone
 * listens, reconnects with backoff, and closes when the last listener leaves. Pages poll while the
 * status is not "open", so a proxy that blocks WebSockets costs freshness, not correctness.
 */
export class LiveSocket {
  private socket: WebSocket | null = null;
  private listeners = new Set<Listener>();
  private statusListeners = new Set<StatusListener>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  status: LiveStatus = 'closed';

  constructor(private readonly url: () => string) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.ensure();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.shutdown();
    };
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  private ensure(): void {
    if (this.socket || this.retryTimer || typeof WebSocket === 'undefined') return;
    this.setStatus('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
    };
    ws.onmessage = (event) => {
      let parsed: WsServerMessage;
      try {
        const result = WsServerMessage.safeParse(JSON.parse(String(event.data)));
        if (!result.success) return; // a newer server's message type: ignore, do not crash the page
        parsed = result.data;
      } catch {
        return;
      }
      for (const l of this.listeners) l(parsed);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.setStatus('closed');
      if (this.listeners.size > 0) this.scheduleRetry();
    };
    ws.onerror = () => ws.close();
  }

  private scheduleRetry(): void {
    const delay = backoffMs(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.listeners.size > 0) this.ensure();
    }, delay);
  }

  private shutdown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.socket;
    this.socket = null;
    ws?.close();
    this.attempt = 0;
    this.setStatus('closed');
  }
}

export const liveSocket = new LiveSocket(() => {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/api/ws`;
});
