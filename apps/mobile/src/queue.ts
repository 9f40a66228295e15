import { tx } from './idb';

/**
 * The offline queue in IndexedDB: one row per capture (client id generated on the device, device time,
 * the captured face image), kept until the server has answered it, in the order they were taken.
 */
export interface QueuedRecord {
  client_id: string;
  /** Whose record; an officer's capture may leave it out: the server recognizes the face at sync. */
  member_id?: string;
  type: 'check_in' | 'check_out';
  occurred_at: string;
  face_image: string;
  mode: 'self' | 'officer';
  /** Where the phone was, when the member's site has a geofence (checked at sync). */
  location?: { latitude: number; longitude: number; accuracy_m?: number };
  /** An officer's capture session: the site whose members are searched first at sync. */
  site_id?: string;
  queuedAt: number;
  /** Shown in the queue only (never sent): the member picked by name, when one was. */
  label?: string;
}

export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `c${Date.now().toString(36)}${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** What the server receives of a queued record (the signed fields only). */
export function toSyncRecord({ queuedAt: _q, label: _l, ...r }: QueuedRecord) {
  return r;
}

export const queue = {
  add: (r: QueuedRecord) => tx('queue', 'readwrite', (s) => s.put(r)).then(() => undefined),
  /** Oldest first: the order the records were taken in. */
  all: async () =>
    (await tx('queue', 'readonly', (s) => s.index('queuedAt').getAll() as IDBRequest<QueuedRecord[]>)) ?? [],
  remove: (clientIds: readonly string[]) =>
    tx('queue', 'readwrite', (s) => {
      let last: IDBRequest<undefined> = s.delete(clientIds[0] ?? '');
      for (const id of clientIds.slice(1)) last = s.delete(id);
      return last;
    }).then(() => undefined),
};
