import type { FirstHourMessages } from './en';

export const firstHourVi: FirstHourMessages = {
  alerts: {
    snapshotAlt: 'Hình ảnh cuối cùng của {{name}}',
  },
  filters: {
    more: 'Thêm bộ lọc',
    moreActive: 'Thêm bộ lọc ({{count}} đang bật)',
    fewer: 'Ẩn bớt bộ lọc',
  },
  cameras: {
    enabledUp: 'Mọi camera đang bật đều hoạt động ({{disabled}} đã tắt)',
    allDisabled: 'Tất cả camera đều đã tắt',
    idFromName: 'Tạo từ tên; có thể sửa trước khi lưu',
    lowResolution:
      'Luồng video là {{width}}×{{height}}: dưới {{minimum}}p, khuôn mặt cách khoảng 3 m nhỏ hơn 40 px mà nhận diện cần. Hãy dùng luồng chính của camera (khuyên dùng {{recommended}}p).',
    lowFps:
      'Luồng video chạy ở {{fps}} fps: dưới {{minimum}} fps, người đi ngang qua chỉ xuất hiện trong quá ít khung hình để nhận diện. Hãy đặt camera ở {{recommended}} fps.',
    previewAlt: 'Khung hình giải mã từ nguồn này khi kiểm tra',
    previewNote: 'Chỉ để xem trước; không được ghi lại',
  },
  dateField: {
    day: 'dd',
    month: 'mm',
    year: 'yyyy',
    openCalendar: 'Mở lịch',
    required: 'Bắt buộc',
    invalid: 'Không phải ngày hợp lệ; hãy viết theo dạng {{format}}',
    tooEarly: 'Chọn từ ngày {{date}} trở đi',
    tooLate: 'Chọn ngày {{date}} trở về trước',
  },
  enrol: {
    quality: 'Chất lượng {{score}}/100',
    factor: {
      size: 'Kích thước',
      blur: 'Độ nét',
      pose: 'Hướng mặt',
      brightness: 'Ánh sáng',
    },
    factorValue: '{{label}} {{value}}',
    facePx: 'Khuôn mặt {{px}} px',
    why: {
      size: 'Khuôn mặt quá nhỏ: cần ít nhất 32 px. Hãy dùng ảnh lớn hơn hoặc cắt gần hơn.',
      blur: 'Khuôn mặt bị mờ. Hãy dùng ảnh nét hơn.',
      pose: 'Đầu quay đi quá nhiều. Hãy dùng ảnh nhìn thẳng vào camera.',
      brightness: 'Khuôn mặt quá tối hoặc quá sáng. Hãy dùng ảnh có ánh sáng đều.',
    },
    chooseTitle: '{{count}} khuôn mặt trong {{file}}: bấm vào khuôn mặt cần đăng ký',
    chooseHint: 'Khuôn mặt không thể đăng ký được tô đỏ kèm lý do.',
    faceN: 'Khuôn mặt {{n}}: chất lượng {{score}}/100',
    faceNRejected: 'Khuôn mặt {{n}}: {{reason}}',
    enrolling: 'Đang đăng ký khuôn mặt đã chọn…',
    chooseBadge: 'Chọn khuôn mặt',
    cancelChoice: 'Hủy',
  },
  facePack: {
    active: 'Gói mô hình khuôn mặt: {{pack}}',
    licence: 'Giấy phép: {{licence}}',
    commercialYes: 'Được phép dùng cho mục đích thương mại',
    commercialNo: 'Không được dùng cho mục đích thương mại',
  },
};
