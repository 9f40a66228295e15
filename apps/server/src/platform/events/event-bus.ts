import { EventEmitter } from 'node:events';

/**
 * In-process typed event bus (`noun.pastTense` names). Each slice declares its events by augmenting
 * `HadirEvents` through declaration merging, so publishers and subscribers share one map.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HadirEvents {}

type Key = Extract<keyof HadirEvents, string>;

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  constructor() {
    this.emitter.setMaxListeners(1000);
  }
  publish<K extends Key>(name: K, payload: HadirEvents[K]): void {
    this.emitter.emit(name, payload);
    this.emitter.emit('*', name, payload);
  }
  subscribe<K extends Key>(name: K, handler: (payload: HadirEvents[K]) => void): () => void {
    this.emitter.on(name, handler as (p: unknown) => void);
    return () => this.emitter.off(name, handler as (p: unknown) => void);
  }
  subscribeAll(handler: (name: Key, payload: unknown) => void): () => void {
    this.emitter.on('*', handler);
    return () => this.emitter.off('*', handler);
  }
}
