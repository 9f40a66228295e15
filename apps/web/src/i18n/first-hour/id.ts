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
    belowNeeds:
      'Di bawah kebutuhan pengenalan wajah ({{width}}×{{height}}{{fps}}): gunakan 1920×1080 dengan 15 fps atau lebih, atau wajah yang lebih jauh dari sekitar 3 m terlalu kecil untuk dikenali.',
    fpsSuffix: ' pada {{fps}} fps',
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
  facePack: {
    active: 'Paket model wajah: {{pack}}',
    licence: 'Lisensi: {{licence}}',
    commercialYes: 'Boleh untuk penggunaan komersial',
    commercialNo: 'Tidak untuk penggunaan komersial',
  },
};
