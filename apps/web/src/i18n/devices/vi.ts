import type { devicesEn, devicesNavEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const devicesNavVi: Shape<typeof devicesNavEn> = { devices: 'Thiết bị di động' };

export const devicesVi: Shape<typeof devicesEn> = {
  title: 'Thiết bị di động',
  subtitle:
    'Các điện thoại đã đăng ký trong ứng dụng chấm công, lần đồng bộ gần nhất và kết quả mỗi lần đồng bộ.',
  device: 'Thiết bị',
  owner: 'Người đăng ký',
  registered: 'Ngày đăng ký',
  lastSync: 'Đồng bộ gần nhất',
  never: 'Chưa bao giờ',
  status: 'Trạng thái',
  active: 'Đang hoạt động',
  revoked: 'Đã thu hồi',
  revoke: 'Thu hồi',
  revokeTitle: 'Thu hồi “{{name}}”?',
  revokeBody: 'Điện thoại này sẽ không thể đồng bộ nữa. Các bản ghi chưa đồng bộ vẫn nằm trên điện thoại.',
  revokedDone: 'Đã thu hồi “{{name}}”',
  empty: 'Chưa có thiết bị di động nào',
  emptyHint: 'Điện thoại sẽ xuất hiện ở đây khi có người đăng nhập ứng dụng chấm công trên đó.',
  logsTitle: 'Nhật ký đồng bộ',
  logsEmpty: 'Chưa có lần đồng bộ nào',
  syncedAt: 'Thời điểm đồng bộ',
  synced: 'Đã ghi nhận',
  failed: 'Bị từ chối',
  duplicates: 'Đã đồng bộ trước đó',
  skew: 'Lệch giờ',
  skewSeconds: '{{seconds}} giây',
  logStatus: { ok: 'Thành công', partial: 'Bị từ chối một phần', failed: 'Bị từ chối' },
  appOnly:
    'Thành viên và nhân viên ghi nhận dùng ứng dụng chấm công Hadir trên điện thoại, không dùng trang web này. Hãy mở {{url}} trên điện thoại.',
};
