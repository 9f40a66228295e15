import type { attendanceEn, attendanceNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const attendanceNavVi: Shape<typeof attendanceNavEn> = { attendance: 'Chấm công' };

export const attendanceVi: Shape<typeof attendanceEn> = {
  title: 'Chấm công',
  subtitle: 'Mỗi nhân viên mỗi ngày một bản ghi: giờ vào, giờ ra, số giờ làm và lý do của từng trạng thái.',
  from: 'Từ',
  to: 'Đến',
  employee: 'Nhân viên',
  anyEmployee: 'Mọi nhân viên',
  status: 'Trạng thái',
  anyStatus: 'Mọi trạng thái',
  date: 'Ngày',
  checkIn: 'Giờ vào',
  checkOut: 'Giờ ra',
  worked: 'Số giờ làm',
  reason: 'Lý do',
  empty: 'Không có dữ liệu chấm công trong khoảng này',
  emptyHint: 'Dữ liệu xuất hiện khi ai đó được camera nhìn thấy hoặc chấm công theo cách khác.',
  newest: 'Mới nhất',
  older: 'Cũ hơn',
  correct: 'Điều chỉnh',
  correctTitle: 'Điều chỉnh {{name}} ngày {{date}}',
  correctHint: 'Nhập giờ thực tế hoặc một trạng thái. Lý do được lưu trong nhật ký kiểm toán.',
  newStatus: 'Trạng thái',
  keepDerived: 'Giữ trạng thái đã tính',
  note: 'Lý do điều chỉnh',
  save: 'Lưu điều chỉnh',
  saved: 'Đã lưu điều chỉnh',
  statuses: {
    present: 'Có mặt',
    late: 'Đi muộn',
    early_leave: 'Về sớm',
    half_day: 'Nửa ngày',
    absent: 'Vắng mặt',
    excused: 'Có phép',
    day_off: 'Ngày nghỉ',
    holiday: 'Ngày lễ',
    pending: 'Đang chờ',
  },
};
