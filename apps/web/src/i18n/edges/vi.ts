import type { edgesEn, edgesNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const edgesNavVi: Shape<typeof edgesNavEn> = { edges: 'Hộp edge' };

export const edgesVi: Shape<typeof edgesEn> = {
  title: 'Hộp edge',
  subtitle:
    'Các hộp tại địa điểm của bạn chạy camera tại chỗ và vẫn hoạt động khi kết nối tới máy chủ này bị cắt.',
  add: 'Thêm hộp edge',
  name: 'Tên',
  nameHint: 'Ví dụ "Edge Kho A"',
  sites: 'Địa điểm phục vụ',
  sitesHint: 'Bỏ chọn tất cả để phục vụ mọi camera của tổ chức.',
  allCameras: 'Tất cả camera',
  status: 'Trạng thái',
  states: { pending: 'Chờ đăng ký', online: 'Trực tuyến', lost: 'Mất kết nối', revoked: 'Đã thu hồi' },
  lastContact: 'Liên lạc gần nhất',
  never: 'Chưa bao giờ',
  queue: 'Hàng đợi',
  skew: 'Lệch đồng hồ',
  skewSeconds: '{{seconds}} giây',
  device: 'Hộp',
  newCode: 'Mã đăng ký mới',
  revoke: 'Thu hồi',
  revokeTitle: 'Thu hồi “{{name}}”?',
  revokeBody:
    'Hộp bị từ chối từ lần gọi tiếp theo. Camera của nó trở về máy chủ này; dữ liệu chưa gửi sẽ không được nhận.',
  revokedDone: 'Đã thu hồi “{{name}}”',
  codeTitle: 'Đăng ký hộp',
  codeBody:
    'Khởi động hộp bằng mã dùng một lần này trong vòng 15 phút: npm start -- --roles edge --hub {{hub}} --enrol-code MÃ. Mã chỉ hiển thị lúc này.',
  codeLabel: 'Mã đăng ký',
  empty: 'Chưa có hộp edge',
  emptyHint: 'Thêm một hộp cho địa điểm có camera cần tiếp tục hoạt động khi mất internet.',
};
