/**
 * National public holidays for 2026, ready to load into a holiday calendar.
 *
 * Indonesia: the 17 "hari libur nasional" of SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025 (signed
 * 19 September 2025). The eight "cuti bersama" days (16 Feb, 18/20/23/24 Mar, 15 May, 28 May, 24 Dec)
 * bind the civil service, not private employers, so they are a separate, optional set.
 * Vietnam: Labour Code 2019 art. 112 with the 2026 Tết schedule (14–22 Feb, nine days including the
 * weekends and the compensating days); Hùng Kings' day (10/3 lunar) falls on Sunday 26 Apr and is
 * compensated on Monday 27 Apr. National Day is 2 Sep plus one adjacent day the government names each
 * year; 1 Sep is loaded here, change it if the 2026 notice names 3 Sep.
 * Lunar holidays move every year: add next year's list when its decree is published.
 */
export interface NationalHoliday {
  date: string;
  name: string;
}

export const NATIONAL_HOLIDAY_SETS = {
  'id-2026': {
    name: 'Libur nasional Indonesia 2026',
    holidays: [
      { date: '2026-01-01', name: 'Tahun Baru 2026 Masehi' },
      { date: '2026-01-16', name: 'Isra Mikraj Nabi Muhammad SAW' },
      { date: '2026-02-17', name: 'Tahun Baru Imlek 2577 Kongzili' },
      { date: '2026-03-19', name: 'Hari Suci Nyepi (Tahun Baru Saka 1948)' },
      { date: '2026-03-21', name: 'Idulfitri 1447 H' },
      { date: '2026-03-22', name: 'Idulfitri 1447 H (hari kedua)' },
      { date: '2026-04-03', name: 'Wafat Yesus Kristus' },
      { date: '2026-04-05', name: 'Kebangkitan Yesus Kristus (Paskah)' },
      { date: '2026-05-01', name: 'Hari Buruh Internasional' },
      { date: '2026-05-14', name: 'Kenaikan Yesus Kristus' },
      { date: '2026-05-27', name: 'Iduladha 1447 H' },
      { date: '2026-05-31', name: 'Hari Raya Waisak 2570 BE' },
      { date: '2026-06-01', name: 'Hari Lahir Pancasila' },
      { date: '2026-06-16', name: 'Tahun Baru Islam 1448 H' },
      { date: '2026-08-17', name: 'Proklamasi Kemerdekaan Republik Indonesia' },
      { date: '2026-08-25', name: 'Maulid Nabi Muhammad SAW' },
      { date: '2026-12-25', name: 'Kelahiran Yesus Kristus (Natal)' },
    ],
  },
  'id-2026-cuti-bersama': {
    name: 'Cuti bersama Indonesia 2026',
    holidays: [
      { date: '2026-02-16', name: 'Cuti bersama Tahun Baru Imlek' },
      { date: '2026-03-18', name: 'Cuti bersama Hari Suci Nyepi' },
      { date: '2026-03-20', name: 'Cuti bersama Idulfitri' },
      { date: '2026-03-23', name: 'Cuti bersama Idulfitri' },
      { date: '2026-03-24', name: 'Cuti bersama Idulfitri' },
      { date: '2026-05-15', name: 'Cuti bersama Kenaikan Yesus Kristus' },
      { date: '2026-05-28', name: 'Cuti bersama Iduladha' },
      { date: '2026-12-24', name: 'Cuti bersama Natal' },
    ],
  },
  'vn-2026': {
    name: 'Ngày lễ Việt Nam 2026',
    holidays: [
      { date: '2026-01-01', name: 'Tết Dương lịch' },
      ...['14', '15', '16', '17', '18', '19', '20', '21', '22'].map((d) => ({
        date: `2026-02-${d}`,
        name: 'Tết Nguyên đán Bính Ngọ',
      })),
      { date: '2026-04-26', name: 'Giỗ Tổ Hùng Vương' },
      { date: '2026-04-27', name: 'Nghỉ bù Giỗ Tổ Hùng Vương' },
      { date: '2026-04-30', name: 'Ngày Giải phóng miền Nam, thống nhất đất nước' },
      { date: '2026-05-01', name: 'Ngày Quốc tế Lao động' },
      { date: '2026-09-01', name: 'Quốc khánh (ngày liền kề)' },
      { date: '2026-09-02', name: 'Quốc khánh' },
    ],
  },
} as const satisfies Record<string, { name: string; holidays: readonly NationalHoliday[] }>;

export type NationalHolidaySetId = keyof typeof NATIONAL_HOLIDAY_SETS;
