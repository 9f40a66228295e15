import type { regularizationEn, regularizationNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const regularizationNavVi: Shape<typeof regularizationNavEn> = {
  myAttendance: 'Chấm công của tôi',
  correctionApprovals: 'Duyệt điều chỉnh',
};

export const regularizationVi: Shape<typeof regularizationEn> = {
  mine: {
    title: 'Chấm công của tôi',
    subtitle: 'Các ngày trong tháng của bạn, lý do của từng trạng thái và các đề nghị điều chỉnh.',
    month: 'Tháng',
    notLinked: 'Tài khoản của bạn chưa được liên kết với hồ sơ nhân viên',
    notLinkedHint:
      'Hãy nhờ quản trị viên liên kết người dùng của bạn với hồ sơ nhân viên ở trang Người dùng.',
    days: 'Ngày',
    noDays: 'Chưa có ngày chấm công nào trong tháng này',
    askCorrection: 'Đề nghị điều chỉnh',
    requests: 'Đề nghị điều chỉnh của tôi',
    noRequests: 'Bạn chưa đề nghị điều chỉnh nào',
    noRequestsHint: 'Dùng "Đề nghị điều chỉnh" ở ngày bị sai.',
  },
  ask: {
    title: 'Đề nghị điều chỉnh ngày {{date}}',
    hint: 'Nhập giờ thực tế hoặc trạng thái đúng của ngày, kèm lý do. Cấp trên của bạn sẽ quyết định.',
    checkIn: 'Giờ vào',
    checkOut: 'Giờ ra',
    status: 'Trạng thái',
    keep: 'Giữ trạng thái đã tính',
    note: 'Lý do',
    send: 'Gửi đề nghị',
    sent: 'Đã gửi đề nghị cho cấp trên',
  },
  states: { pending: 'Đang chờ', approved: 'Đã duyệt', rejected: 'Bị từ chối' },
  asked: 'Đã đề nghị',
  change: 'Thay đổi',
  decided: '{{state}} bởi {{name}}',
  inbox: {
    title: 'Duyệt điều chỉnh',
    subtitle: 'Các đề nghị điều chỉnh chấm công của nhóm bạn. Duyệt sẽ tính lại ngày đó.',
    empty: 'Không có gì cần quyết định',
    emptyHint: 'Đề nghị từ những người bạn quản lý sẽ hiện ở đây.',
    approve: 'Duyệt',
    reject: 'Từ chối',
    decideTitle: '{{action}} điều chỉnh của {{name}}',
    comment: 'Ghi chú',
    approved: 'Đã duyệt điều chỉnh',
    rejected: 'Đã từ chối điều chỉnh',
  },
};
