import type { regularizationEn, regularizationNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const regularizationNavId: Shape<typeof regularizationNavEn> = {
  myAttendance: 'Kehadiran saya',
  correctionApprovals: 'Persetujuan koreksi',
};

export const regularizationId: Shape<typeof regularizationEn> = {
  mine: {
    title: 'Kehadiran saya',
    subtitle: 'Hari-hari Anda bulan ini, alasan setiap status, dan koreksi yang Anda minta.',
    month: 'Bulan',
    notLinked: 'Akun Anda belum terhubung ke data karyawan',
    notLinkedHint: 'Minta admin menghubungkan pengguna Anda ke data karyawan di halaman Pengguna.',
    days: 'Hari',
    noDays: 'Belum ada hari kehadiran bulan ini',
    askCorrection: 'Minta koreksi',
    requests: 'Permintaan koreksi saya',
    noRequests: 'Anda belum meminta koreksi',
    noRequestsHint: 'Gunakan "Minta koreksi" pada hari yang salah.',
  },
  ask: {
    title: 'Minta koreksi {{date}}',
    hint: 'Isi jam yang sebenarnya, atau status yang seharusnya, beserta alasannya. Atasan Anda yang memutuskan.',
    checkIn: 'Jam masuk',
    checkOut: 'Jam pulang',
    status: 'Status',
    keep: 'Pertahankan status hasil hitung',
    note: 'Alasan',
    send: 'Kirim permintaan',
    sent: 'Permintaan dikirim ke atasan Anda',
  },
  states: { pending: 'Menunggu', approved: 'Disetujui', rejected: 'Ditolak' },
  asked: 'Diminta',
  change: 'Perubahan',
  decided: '{{state}} oleh {{name}}',
  inbox: {
    title: 'Persetujuan koreksi',
    subtitle: 'Koreksi kehadiran yang diminta tim Anda. Menyetujui akan menghitung ulang hari tersebut.',
    empty: 'Tidak ada yang perlu diputuskan',
    emptyHint: 'Permintaan dari orang yang Anda awasi muncul di sini.',
    approve: 'Setujui',
    reject: 'Tolak',
    decideTitle: '{{action}} koreksi {{name}}',
    comment: 'Catatan',
    approved: 'Koreksi disetujui',
    rejected: 'Koreksi ditolak',
  },
};
