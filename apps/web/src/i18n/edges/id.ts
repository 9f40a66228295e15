import type { edgesEn, edgesNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const edgesNavId: Shape<typeof edgesNavEn> = { edges: 'Kotak edge' };

export const edgesId: Shape<typeof edgesEn> = {
  title: 'Kotak edge',
  subtitle:
    'Kotak di lokasi Anda yang menjalankan kameranya sendiri dan tetap bekerja saat koneksi ke server ini terputus.',
  add: 'Tambah kotak edge',
  name: 'Nama',
  nameHint: 'Misalnya "Edge Gudang A"',
  sites: 'Lokasi yang dilayani',
  sitesHint: 'Biarkan semua tidak dicentang untuk melayani semua kamera organisasi.',
  allCameras: 'Semua kamera',
  status: 'Status',
  states: { pending: 'Menunggu pendaftaran', online: 'Daring', lost: 'Koneksi hilang', revoked: 'Dicabut' },
  lastContact: 'Kontak terakhir',
  never: 'Belum pernah',
  queue: 'Antrean',
  skew: 'Selisih jam',
  skewSeconds: '{{seconds}} dtk',
  device: 'Kotak',
  newCode: 'Kode pendaftaran baru',
  revoke: 'Cabut',
  revokeTitle: 'Cabut “{{name}}”?',
  revokeBody:
    'Kotak ditolak mulai panggilan berikutnya. Kameranya kembali ke server ini; data yang belum dikirim tidak akan diterima.',
  revokedDone: '“{{name}}” dicabut',
  codeTitle: 'Daftarkan kotak',
  codeBody:
    'Jalankan kotak dengan kode sekali pakai ini dalam 15 menit: npm start -- --roles edge --hub {{hub}} --enrol-code KODE. Kode hanya ditampilkan sekarang.',
  codeLabel: 'Kode pendaftaran',
  empty: 'Belum ada kotak edge',
  emptyHint: 'Tambahkan satu untuk lokasi yang kameranya harus tetap bekerja saat internet terputus.',
};
