import type { FirstHourMessages } from './en';

export const firstHourId: FirstHourMessages = {
  alerts: {
    snapshotAlt: 'Tampilan terakhir {{name}}',
  },
  filters: {
    more: 'Filter lainnya',
    moreActive: 'Filter lainnya ({{count}} aktif)',
    fewer: 'Sembunyikan filter',
  },
  cameras: {
    enabledUp: 'Semua kamera aktif berjalan ({{disabled}} dinonaktifkan)',
    allDisabled: 'Semua kamera dinonaktifkan',
    idFromName: 'Dibuat dari nama; bisa diubah sebelum disimpan',
    lowResolution:
      'Stream ini {{width}}×{{height}}: di bawah {{minimum}}p wajah yang berjarak sekitar 3 m lebih kecil dari 40 px yang dibutuhkan pengenalan wajah. Gunakan stream utama kamera (disarankan {{recommended}}p).',
    lowFps:
      'Stream ini berjalan {{fps}} fps: di bawah {{minimum}} fps orang yang lewat hanya terlihat di terlalu sedikit frame untuk dikenali. Atur kamera ke {{recommended}} fps.',
    previewAlt: 'Frame yang didekode dari sumber ini saat pengujian',
    previewNote: 'Hanya pratinjau; tidak direkam',
  },
  dateField: {
    day: 'hh',
    month: 'bb',
    year: 'tttt',
    openCalendar: 'Buka kalender',
    required: 'Wajib diisi',
    invalid: 'Bukan tanggal; tulis sebagai {{format}}',
    tooEarly: 'Pilih {{date}} atau sesudahnya',
    tooLate: 'Pilih {{date}} atau sebelumnya',
  },
  enrol: {
    quality: 'Kualitas {{score}}/100',
    factor: {
      size: 'Ukuran',
      blur: 'Ketajaman',
      pose: 'Arah wajah',
      brightness: 'Cahaya',
    },
    factorValue: '{{label}} {{value}}',
    facePx: 'Wajah {{px}} px',
    why: {
      size: 'Wajah terlalu kecil: dibutuhkan minimal 32 px. Gunakan foto yang lebih besar atau potong lebih dekat.',
      blur: 'Wajah buram. Gunakan foto yang lebih tajam.',
      pose: 'Kepala terlalu menoleh. Gunakan foto yang menghadap kamera.',
      brightness: 'Wajah terlalu gelap atau terlalu terang. Gunakan foto dengan cahaya merata.',
    },
    chooseTitle: '{{count}} wajah di {{file}}: klik wajah yang akan didaftarkan',
    chooseHint: 'Wajah yang tidak bisa didaftarkan ditandai merah beserta alasannya.',
    faceN: 'Wajah {{n}}: kualitas {{score}}/100',
    faceNRejected: 'Wajah {{n}}: {{reason}}',
    enrolling: 'Mendaftarkan wajah yang dipilih…',
    chooseBadge: 'Pilih wajah',
    cancelChoice: 'Batal',
  },
  facePack: {
    active: 'Paket model wajah: {{pack}}',
    licence: 'Lisensi: {{licence}}',
    commercialYes: 'Boleh untuk penggunaan komersial',
    commercialNo: 'Tidak untuk penggunaan komersial',
  },
};
