import type { en } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const id: Shape<typeof en> = {
  app: { name: 'Hadir', loading: 'Memuat…' },
  common: {
    cancel: 'Batal',
    close: 'Tutup',
    optional: 'opsional',
    unknownError: 'Terjadi kesalahan. Coba lagi.',
  },
  table: {
    next: 'Berikutnya',
    previous: 'Sebelumnya',
    pageOf: 'Halaman {{page}} dari {{pages}}',
    pagination: 'Halaman',
    range: '{{from}}–{{to}} dari {{total}}',
    sortAscending: 'Urutkan naik',
    sortDescending: 'Urutkan turun',
  },
  m: {
    signIn: 'Masuk',
    signInHint: 'Gunakan email dan kata sandi dari organisasi Anda.',
    email: 'Email',
    password: 'Kata sandi',
    wrongPassword: 'Email atau kata sandi salah.',
    offline: 'Luring',
    online: 'Daring',
    signOut: 'Keluar',
    theme: 'Ganti tema terang atau gelap',
    language: 'Bahasa',
    tabs: { check: 'Absen', history: 'Riwayat', queue: 'Antrean', officer: 'Rekam' },
    register: {
      title: 'Daftarkan wajah Anda',
      hint: 'Lihat ke kamera di tempat yang terang. Kami mengambil tiga foto saat Anda memutar kepala perlahan.',
      start: 'Ambil foto',
      done: 'Wajah Anda sudah terdaftar.',
      failed: 'Tidak ada foto yang lolos pemeriksaan: {{reason}}',
    },
    camera: {
      denied: 'Kamera tidak tersedia. Izinkan akses kamera untuk aplikasi ini.',
      turn: 'Putar kepala perlahan ke kiri dan ke kanan',
    },
    check: {
      in: 'Absen masuk',
      out: 'Absen pulang',
      recorded: 'Tercatat pukul {{time}}',
      retry: 'Coba lagi: {{reason}}',
      refused: 'Ditolak: {{reason}}',
      queued: 'Tidak ada jaringan: disimpan di ponsel ini dan disinkronkan saat daring.',
    },
    history: { title: 'Kehadiran saya', empty: 'Belum ada hari yang tercatat', hours: '{{hours}} jam' },
    queue: {
      title: 'Menunggu sinkronisasi',
      empty: 'Tidak ada yang menunggu. Semua sudah tersinkron.',
      syncNow: 'Sinkronkan sekarang',
      synced: 'Tersinkron: {{synced}} tercatat, {{failed}} ditolak, {{duplicates}} sudah ada',
      skew: 'Jam ponsel ini selisih {{seconds}} detik.',
      lastResults: 'Sinkronisasi terakhir',
    },
    officer: {
      title: 'Sesi perekaman',
      recognize: 'Kenali',
      unknown: 'Tidak dikenali. Cari berdasarkan nama atau kode.',
      confirm: 'Catat {{name}} ({{score}})',
      search: 'Nama atau kode',
      recorded: '{{name}} tercatat',
    },
  },
};
