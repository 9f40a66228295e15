import type { securityEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const securityId: Shape<typeof securityEn> = {
  faces: {
    pending: 'Menunggu peninjauan',
    pendingHint: 'Belum dipakai untuk pengenalan sampai disetujui manajer.',
    approve: 'Setujui',
    reject: 'Tolak',
    approved: 'Sampel wajah disetujui',
    rejected: 'Sampel wajah ditolak dan dihapus',
    pendingCount_one: '{{count}} sampel wajah menunggu peninjauan',
    pendingCount_other: '{{count}} sampel wajah menunggu peninjauan',
    resultPending: 'Tersimpan; menunggu persetujuan manajer',
    duplicateTitle: 'Wajah ini sudah milik orang lain',
    duplicateBody:
      'Tidak ada yang disimpan. Foto ini cocok dengan karyawan lain di atas ambang pengenalan; wajah yang sama terdaftar untuk dua orang membuat pengenalan tidak andal.',
    duplicateOf: 'Cocok dengan {{name}} ({{code}}) · kemiripan {{score}}',
    duplicateUnknown: 'Cocok dengan karyawan lain · kemiripan {{score}}',
    photoMatch: '{{photo}}: {{match}}',
    duplicateConfirm: 'Tetap daftarkan',
    duplicateCancel: 'Jangan simpan',
    duplicateBadge: 'Mirip {{name}}',
    duplicateBadgeUnknown: 'Mirip karyawan lain',
  },
};
