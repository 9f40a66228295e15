import type { devicesEn, devicesNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const devicesNavId: Shape<typeof devicesNavEn> = { devices: 'Perangkat seluler' };

export const devicesId: Shape<typeof devicesEn> = {
  title: 'Perangkat seluler',
  subtitle:
    'Ponsel yang terdaftar di aplikasi absensi, sinkronisasi terakhirnya, dan hasil tiap sinkronisasi.',
  device: 'Perangkat',
  owner: 'Didaftarkan oleh',
  registered: 'Terdaftar',
  lastSync: 'Sinkronisasi terakhir',
  never: 'Belum pernah',
  status: 'Status',
  active: 'Aktif',
  revoked: 'Dicabut',
  revoke: 'Cabut',
  revokeTitle: 'Cabut “{{name}}”?',
  revokeBody:
    'Ponsel ini tidak dapat lagi menyinkronkan data. Catatan yang belum tersinkron tetap ada di ponsel.',
  revokedDone: '“{{name}}” dicabut',
  empty: 'Belum ada perangkat seluler',
  emptyHint: 'Ponsel muncul di sini setelah seseorang masuk ke aplikasi absensi di ponsel tersebut.',
  logsTitle: 'Log sinkronisasi',
  logsEmpty: 'Belum ada sinkronisasi',
  syncedAt: 'Waktu sinkronisasi',
  synced: 'Tercatat',
  failed: 'Ditolak',
  duplicates: 'Sudah tersinkron',
  skew: 'Selisih jam',
  skewSeconds: '{{seconds}} dtk',
  logStatus: { ok: 'Berhasil', partial: 'Sebagian ditolak', failed: 'Ditolak' },
  appOnly:
    'Anggota dan petugas memakai aplikasi absensi Hadir di ponsel, bukan situs web ini. Buka {{url}} di ponsel Anda.',
};
