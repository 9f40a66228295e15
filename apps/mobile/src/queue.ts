/**
 * The offline queue in IndexedDB: one row per capture (client id generated on the device, device time,
 * the captured face image), kept until the server has answered it, in the order they were taken.
 */
export interface QueuedRecord {
  client_id: string;
  member_id: string;
  type: 'check_in' | 'check_out';
  occurred_at: string;
  face_image: string;
  mode: 'self' | 'officer';
  /** Where the phone was, when the member's site has a geofence (checked at sync). */
  location?: { latitude: number; longitude: number; accuracy_m?: number };
  queuedAt: number;
}

const DB = 'hadir-mobile';
const STORE = 'queue';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'client_id' });
      store.createIndex('queuedAt', 'queuedAt');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = run(t.objectStore(STORE));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error ?? new Error('IndexedDB write failed'));
    });
  } finally {
    db.close();
  }
}

export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `c${Date.now().toString(36)}${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const queue = {
  add: (r: QueuedRecord) => tx('readwrite', (s) => s.put(r)).then(() => undefined),
  /** Oldest first: the order the records were taken in. */
  all: async () =>
    (await tx('readonly', (s) => s.index('queuedAt').getAll() as IDBRequest<QueuedRecord[]>)) ?? [],
  remove: (clientIds: readonly string[]) =>
    tx('readwrite', (s) => {
      let last: IDBRequest<undefined> = s.delete(clientIds[0] ?? '');
      for (const id of clientIds.slice(1)) last = s.delete(id);
      return last;
    }).then(() => undefined),
};
