import { EventEmitter } from 'node:events';

/**
 * In-process typed event bus (`noun.pastTense` names). Each slice declares its events by augmenting
 * `HadirEvents` through declaration merging, so publishers and subscribers share one map.
 *
 * Two kinds of subscriber: `subscribe` runs side effects (record a stay, enqueue a webhook) and hears
 * only events published in this process, so an effect happens once, where its cause happened;
 * `subscribeLive` (the dashboard socket, cache invalidation) also hears events from every other
 * process when a transport is attached (HADIR_EVENTS=postgres).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HadirEvents {}

type Key = Extract<keyof HadirEvents, string>;

/** Carries events between processes; at-most-once (a live view refetches on reconnect). */
export interface EventTransport {
  send(name: string, payload: unknown): void;
  close(): Promise<void>;
}

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly live = new EventEmitter({ captureRejections: false });
  private transport: EventTransport | null = null;
  constructor() {
    this.emitter.setMaxListeners(1000);
    this.live.setMaxListeners(10_000);
  }
  publish<K extends Key>(name: K, payload: HadirEvents[K]): void {
    this.emitter.emit(name, payload);
    this.emitter.emit('*', name, payload);
    this.live.emit(name, payload);
    this.transport?.send(name, payload);
  }
  subscribe<K extends Key>(name: K, handler: (payload: HadirEvents[K]) => void): () => void {
    this.emitter.on(name, handler as (p: unknown) => void);
    return () => this.emitter.off(name, handler as (p: unknown) => void);
  }
  subscribeAll(handler: (name: Key, payload: unknown) => void): () => void {
    this.emitter.on('*', handler);
    return () => this.emitter.off('*', handler);
  }
  /** Events from this process and, with a transport, from every other process of the installation. */
  subscribeLive<K extends Key>(name: K, handler: (payload: HadirEvents[K]) => void): () => void {
    this.live.on(name, handler as (p: unknown) => void);
    return () => this.live.off(name, handler as (p: unknown) => void);
  }
  /** Sends this process's events to the others from now on. */
  attachTransport(transport: EventTransport): void {
    this.transport = transport;
  }
  /** An event another process published: live subscribers only (its side effects ran there). */
  deliverRemote(name: string, payload: unknown): void {
    this.live.emit(name, payload);
  }
}
