import { syncCanonical, unlockCanonical, type SyncInput } from '@hadir/contracts';

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

async function hmacHex(key: string, text: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(text));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The device's proof for a PIN or face unlock: its clock and the factor, signed with its key. */
export async function signUnlock(
  key: string,
  deviceId: string,
  method: 'pin' | 'face',
  now = new Date(),
): Promise<{ device_id: string; sent_at: string; signature: string }> {
  const sent_at = now.toISOString();
  return {
    device_id: deviceId,
    sent_at,
    signature: await hmacHex(key, unlockCanonical({ device_id: deviceId, sent_at, method })),
  };
}
