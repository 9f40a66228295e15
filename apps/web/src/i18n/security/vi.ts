import type { securityEn } from './en';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const securityVi: Shape<typeof securityEn> = {
  faces: {
    pending: 'Đang chờ duyệt',
    pendingHint: 'Chưa dùng để nhận diện cho đến khi quản lý phê duyệt.',
    approve: 'Phê duyệt',
    reject: 'Từ chối',
    approved: 'Đã phê duyệt mẫu khuôn mặt',
    rejected: 'Đã từ chối và xóa mẫu khuôn mặt',
    pendingCount_one: '{{count}} mẫu khuôn mặt đang chờ duyệt',
    pendingCount_other: '{{count}} mẫu khuôn mặt đang chờ duyệt',
    resultPending: 'Đã lưu; đang chờ quản lý phê duyệt',
    duplicateTitle: 'Khuôn mặt này đã thuộc về người khác',
    duplicateBody:
      'Chưa lưu gì. Ảnh này khớp với một nhân viên khác trên ngưỡng nhận diện; cùng một khuôn mặt đăng ký cho hai người sẽ làm nhận diện không đáng tin cậy.',
    duplicateOf: 'Khớp với {{name}} ({{code}}) · độ tương đồng {{score}}',
    duplicateUnknown: 'Khớp với một nhân viên khác · độ tương đồng {{score}}',
    photoMatch: '{{photo}}: {{match}}',
    duplicateConfirm: 'Vẫn đăng ký',
    duplicateCancel: 'Không lưu',
    duplicateBadge: 'Giống {{name}}',
    duplicateBadgeUnknown: 'Giống một nhân viên khác',
  },
};
