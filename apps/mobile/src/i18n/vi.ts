import type { en } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const vi: Shape<typeof en> = {
  app: { name: 'Hadir', loading: 'Đang tải…' },
  common: {
    cancel: 'Hủy',
    close: 'Đóng',
    optional: 'không bắt buộc',
    unknownError: 'Đã xảy ra lỗi. Hãy thử lại.',
  },
  table: {
    next: 'Tiếp',
    previous: 'Trước',
    pageOf: 'Trang {{page}} / {{pages}}',
    pagination: 'Phân trang',
    range: '{{from}}–{{to}} trên {{total}}',
    sortAscending: 'Sắp xếp tăng dần',
    sortDescending: 'Sắp xếp giảm dần',
  },
  m: {
    signIn: 'Đăng nhập',
    signInHint: 'Dùng email và mật khẩu do tổ chức của bạn cung cấp.',
    email: 'Email',
    password: 'Mật khẩu',
    wrongPassword: 'Email hoặc mật khẩu không đúng.',
    offline: 'Ngoại tuyến',
    online: 'Trực tuyến',
    signOut: 'Đăng xuất',
    theme: 'Chuyển giao diện sáng hoặc tối',
    language: 'Ngôn ngữ',
    tabs: { check: 'Chấm công', history: 'Lịch sử', queue: 'Hàng chờ', officer: 'Ghi nhận' },
    register: {
      title: 'Đăng ký khuôn mặt',
      hint: 'Nhìn vào camera ở nơi đủ sáng. Ứng dụng chụp ba ảnh trong khi bạn quay đầu chậm.',
      start: 'Chụp ảnh',
      done: 'Khuôn mặt của bạn đã được đăng ký.',
      failed: 'Không ảnh nào đạt yêu cầu: {{reason}}',
    },
    camera: {
      denied: 'Không dùng được camera. Hãy cho phép ứng dụng truy cập camera.',
      turn: 'Quay đầu chậm sang trái và sang phải',
    },
    check: {
      in: 'Vào ca',
      out: 'Ra ca',
      recorded: 'Đã ghi nhận lúc {{time}}',
      retry: 'Thử lại: {{reason}}',
      refused: 'Bị từ chối: {{reason}}',
      queued: 'Không có mạng: đã lưu trên điện thoại, sẽ đồng bộ khi có mạng.',
    },
    history: { title: 'Chấm công của tôi', empty: 'Chưa có ngày nào được ghi nhận', hours: '{{hours}} giờ' },
    queue: {
      title: 'Đang chờ đồng bộ',
      empty: 'Không có gì đang chờ. Mọi thứ đã được đồng bộ.',
      syncNow: 'Đồng bộ ngay',
      synced: 'Đã đồng bộ: {{synced}} ghi nhận, {{failed}} bị từ chối, {{duplicates}} đã có',
      skew: 'Đồng hồ điện thoại lệch {{seconds}} giây.',
      lastResults: 'Lần đồng bộ gần nhất',
    },
    officer: {
      title: 'Phiên ghi nhận',
      recognize: 'Nhận diện',
      unknown: 'Không nhận diện được. Tìm theo tên hoặc mã.',
      confirm: 'Ghi nhận {{name}} ({{score}})',
      search: 'Tên hoặc mã',
      recorded: 'Đã ghi nhận {{name}}',
    },
  },
};
