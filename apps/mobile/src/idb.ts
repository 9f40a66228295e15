/**
 * The app's IndexedDB: `queue` (captures waiting to sync, see queue.ts) and `members` (the member list
 * an officer searches offline, see members-cache.ts). Version 2 added `members`; an upgrade keeps the
 * queue.
 */
const DB = 'hadir-mobile';
const VERSION = 2;
export type Store = 'queue' | 'members';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('queue'))
        db.createObjectStore('queue', { keyPath: 'client_id' }).createIndex('queuedAt', 'queuedAt');
      if (!db.objectStoreNames.contains('members')) db.createObjectStore('members', { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

/** One transaction on one store; resolves with the last request's result once it has committed. */
export async function tx<T>(
  store: Store,
  mode: IDBTransactionMode,
  run: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(store, mode);
      const req = run(t.objectStore(store));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error ?? new Error('IndexedDB write failed'));
    });
  } finally {
    db.close();
  }
}
