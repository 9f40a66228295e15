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
    belowNeeds:
      'Thấp hơn mức nhận diện cần ({{width}}×{{height}}{{fps}}): dùng 1920×1080 ở 15 fps trở lên, nếu không khuôn mặt xa hơn khoảng 3 m sẽ quá nhỏ để nhận diện.',
    fpsSuffix: ' ở {{fps}} fps',
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
  facePack: {
    active: 'Gói mô hình khuôn mặt: {{pack}}',
    licence: 'Giấy phép: {{licence}}',
    commercialYes: 'Được phép dùng cho mục đích thương mại',
    commercialNo: 'Không được dùng cho mục đích thương mại',
  },
};
