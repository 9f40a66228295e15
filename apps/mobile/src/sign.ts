import { syncCanonical, type SyncInput } from '@hadir/contracts';

/** Signs a sync batch with the device key (HMAC-SHA256, WebCrypto), exactly as the server checks it. */
export async function signBatch(key: string, batch: Omit<SyncInput, 'signature'>): Promise<SyncInput> {
  const k = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(syncCanonical(batch)));
  const signature = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return { ...batch, signature };
}
