import type { attendanceEn, attendanceNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const attendanceNavId: Shape<typeof attendanceNavEn> = { attendance: 'Kehadiran' };

export const attendanceId: Shape<typeof attendanceEn> = {
  title: 'Kehadiran',
  subtitle: 'Satu catatan per karyawan per hari: jam masuk, jam pulang, jam kerja, dan alasan setiap status.',
  from: 'Dari',
  to: 'Sampai',
  employee: 'Karyawan',
  anyEmployee: 'Semua karyawan',
  status: 'Status',
  anyStatus: 'Semua status',
  date: 'Tanggal',
  checkIn: 'Masuk',
  checkOut: 'Pulang',
  worked: 'Jam kerja',
  reason: 'Alasan',
  empty: 'Tidak ada data kehadiran pada periode ini',
  emptyHint: 'Data muncul setelah seseorang terlihat kamera atau absen dengan cara lain.',
  newest: 'Terbaru',
  older: 'Lebih lama',
  correct: 'Koreksi',
  correctTitle: 'Koreksi {{name}} pada {{date}}',
  correctHint: 'Isi jam yang sebenarnya, atau sebuah status. Alasannya disimpan di log audit.',
  newStatus: 'Status',
  keepDerived: 'Pakai status hasil perhitungan',
  note: 'Alasan koreksi',
  save: 'Simpan koreksi',
  saved: 'Koreksi disimpan',
  statuses: {
    present: 'Hadir',
    late: 'Terlambat',
    early_leave: 'Pulang awal',
    half_day: 'Setengah hari',
    absent: 'Tidak hadir',
    excused: 'Izin',
    day_off: 'Libur kerja',
    holiday: 'Hari libur',
    pending: 'Menunggu',
  },
};
