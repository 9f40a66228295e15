/**
 * This phone's registration, kept in localStorage: its id and signing key (sync batches and unlock
 * proofs), whose device it is, and whether a PIN was set. Signing out keeps it (PIN/face unlock); a
 * revoked device is forgotten and the password is asked again.
 */
export type Device = { device_id: string; device_key: string; user_id?: string; pin_set?: boolean };
const DEVICE_KEY = 'hadir.m.device';
/** Who last used the app on this phone (name only), for the unlock screen. */
const WHO_KEY = 'hadir.m.who';

export function loadDevice(): Device | null {
  try {
    return JSON.parse(localStorage.getItem(DEVICE_KEY) ?? 'null') as Device | null;
  } catch {
    return null;
  }
}
export const saveDevice = (d: Device) => localStorage.setItem(DEVICE_KEY, JSON.stringify(d));
export const forgetDevice = () => localStorage.removeItem(DEVICE_KEY);

export type Who = { name: string; member: boolean };
export function loadWho(): Who | null {
  try {
    return JSON.parse(localStorage.getItem(WHO_KEY) ?? 'null') as Who | null;
  } catch {
    return null;
  }
}
export const saveWho = (w: Who) => localStorage.setItem(WHO_KEY, JSON.stringify(w));

/** The phone's position, or null when it is refused, unavailable or too slow. */
export function currentPlace(
  timeoutMs = 10_000,
): Promise<{ latitude: number; longitude: number; accuracy_m: number } | null> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          latitude: p.coords.latitude,
          longitude: p.coords.longitude,
          accuracy_m: Math.min(p.coords.accuracy, 100_000),
        }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 30_000 },
    );
  });
}
