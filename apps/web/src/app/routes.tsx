import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { en } from '../i18n/en';
import type { IconName } from '@hadir/ui';

/**
 * The signed-in pages. To add a page: add a row here (path, lazy component, permission) and, if it
 * belongs in the sidebar, a `nav` entry whose label is a key under `nav.` in src/i18n/{en,id,vi}.ts.
 * Rows without the permission are neither routed nor shown in the navigation.
 */
export type NavLabelKey = `nav.${keyof typeof en.nav}`;
export type NavSection = 'main' | 'settings';

export type AppRoute = {
  path: string;
  component: LazyExoticComponent<ComponentType>;
  /** Permission from SessionInfo.permissions needed to see the page. */
  permission?: string;
  nav?: { label: NavLabelKey; icon: IconName; section: NavSection; end?: boolean };
};

const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));

export const APP_ROUTES: AppRoute[] = [
  {
    path: '/',
    component: page(() => import('../pages/dashboard/dashboard-home'), 'DashboardHome'),
    nav: { label: 'nav.home', icon: 'home', section: 'main', end: true },
  },
  {
    path: '/presence-log',
    component: page(() => import('../pages/presence/presence-log-page'), 'PresenceLogPage'),
    permission: 'presence:view',
    nav: { label: 'nav.presenceLog', icon: 'clipboard', section: 'main' },
  },
  {
    path: '/attendance',
    component: page(() => import('../pages/attendance/attendance-page'), 'AttendancePage'),
    permission: 'attendance:record:view',
    // `end`: the attendance rules pages live below /attendance and have their own entries.
    nav: { label: 'nav.attendance', icon: 'clipboard', section: 'main', end: true },
  },
  {
    path: '/attendance/mobile',
    component: page(() => import('../pages/mobile-records/mobile-records-page'), 'MobileRecordsPage'),
    permission: 'attendance:record:view',
    nav: { label: 'nav.mobileRecords', icon: 'userScan', section: 'main' },
  },
  {
    path: '/attendance/month',
    component: page(() => import('../pages/attendance-rules/month-page'), 'MonthPage'),
    permission: 'attendance:record:view',
    nav: { label: 'nav.attendanceMonth', icon: 'chart', section: 'main' },
  },
  {
    // A linked employee's own month and correction requests (every signed-in person may look).
    path: '/attendance/me',
    component: page(() => import('../pages/attendance/my-attendance-page'), 'MyAttendancePage'),
    permission: 'attendance:record:view:own',
    nav: { label: 'nav.myAttendance', icon: 'clipboard', section: 'main' },
  },
  {
    path: '/attendance/corrections',
    component: page(() => import('../pages/attendance/correction-approvals-page'), 'CorrectionApprovalsPage'),
    permission: 'leave:approve',
    nav: { label: 'nav.correctionApprovals', icon: 'check', section: 'main' },
  },
  {
    path: '/attendance/shifts',
    component: page(() => import('../pages/attendance-rules/shifts-page'), 'ShiftsPage'),
    permission: 'attendance:record:view',
    nav: { label: 'nav.attendanceShifts', icon: 'list', section: 'settings' },
  },
  {
    path: '/attendance/holidays',
    component: page(() => import('../pages/attendance-rules/holidays-page'), 'HolidaysPage'),
    permission: 'attendance:record:view',
    nav: { label: 'nav.attendanceHolidays', icon: 'sun', section: 'settings' },
  },
  {
    path: '/kiosk',
    component: page(() => import('../pages/integrations/kiosk-page'), 'KioskPage'),
    permission: 'attendance:record:create',
    nav: { label: 'nav.kiosk', icon: 'key', section: 'main' },
  },
  {
    path: '/alerts',
    component: page(() => import('../pages/alerts/alerts-page'), 'AlertsPage'),
    permission: 'alert:view',
    nav: { label: 'nav.alerts', icon: 'bell', section: 'main' },
  },
  {
    path: '/cameras',
    component: page(() => import('../pages/cameras/cameras-page'), 'CamerasPage'),
    permission: 'camera:view',
    nav: { label: 'nav.cameras', icon: 'camera', section: 'main' },
  },
  {
    path: '/employees',
    component: page(() => import('../pages/employees/employee-list-page'), 'EmployeeListPage'),
    permission: 'member:view',
    nav: { label: 'nav.employees', icon: 'users', section: 'main' },
  },
  {
    path: '/employees/new',
    component: page(() => import('../pages/employees/employee-form-page'), 'EmployeeCreatePage'),
    permission: 'member:manage',
  },
  {
    path: '/employees/import',
    component: page(() => import('../pages/employees/employee-import-page'), 'EmployeeImportPage'),
    permission: 'member:manage',
  },
  {
    path: '/employees/:id/edit',
    component: page(() => import('../pages/employees/employee-form-page'), 'EmployeeEditPage'),
    permission: 'member:manage',
  },
  {
    path: '/employees/:id/faces',
    component: page(() => import('../pages/enrolment/face-enrolment-page'), 'FaceEnrolmentPage'),
    permission: 'member:face:view',
  },
  {
    path: '/unknown-faces',
    component: page(() => import('../pages/unknown-faces/unknown-faces-page'), 'UnknownFacesPage'),
    permission: 'member:face:view',
    nav: { label: 'nav.unknownFaces', icon: 'userScan', section: 'main' },
  },
  {
    path: '/leave',
    component: page(() => import('../pages/leave/my-leave-page'), 'MyLeavePage'),
    permission: 'leave:request',
    nav: { label: 'nav.leave', icon: 'file', section: 'main', end: true },
  },
  {
    path: '/leave/approvals',
    component: page(() => import('../pages/leave/leave-approvals-page'), 'LeaveApprovalsPage'),
    permission: 'leave:approve',
    nav: { label: 'nav.leaveApprovals', icon: 'check', section: 'main' },
  },
  {
    path: '/leave/calendar',
    component: page(() => import('../pages/leave/leave-calendar-page'), 'LeaveCalendarPage'),
    permission: 'leave:request',
    nav: { label: 'nav.leaveCalendar', icon: 'list', section: 'main' },
  },
  {
    path: '/videos',
    component: page(() => import('../pages/videos/video-library-page'), 'VideoLibraryPage'),
    permission: 'video:view',
    nav: { label: 'nav.videos', icon: 'video', section: 'main', end: true },
  },
  {
    path: '/videos/persons',
    component: page(() => import('../pages/videos/video-persons-page'), 'VideoPersonsPage'),
    permission: 'video:view',
  },
  {
    path: '/videos/datasets',
    component: page(() => import('../pages/datasets/dataset-review-page'), 'DatasetReviewPage'),
    permission: 'video:view',
    nav: { label: 'nav.datasets', icon: 'userScan', section: 'main', end: true },
  },
  {
    path: '/videos/datasets/versions',
    component: page(() => import('../pages/datasets/dataset-versions-page'), 'DatasetVersionsPage'),
    permission: 'video:view',
  },
  {
    path: '/videos/models',
    component: page(() => import('../pages/datasets/models-page'), 'ModelsPage'),
    permission: 'video:view',
    nav: { label: 'nav.models', icon: 'chart', section: 'main' },
  },
  {
    path: '/videos/webcam',
    component: page(() => import('../pages/datasets/webcam-page'), 'WebcamPage'),
    permission: 'video:view',
    nav: { label: 'nav.webcam', icon: 'camera', section: 'main' },
  },
  {
    path: '/videos/:id',
    component: page(() => import('../pages/videos/video-page'), 'VideoPage'),
    permission: 'video:view',
  },
  {
    path: '/reports',
    component: page(() => import('../pages/reports/reports-page'), 'ReportsPage'),
    permission: 'report:generate',
    nav: { label: 'nav.reports', icon: 'chart', section: 'main' },
  },
  {
    // Every signed-in user's own profile; reached from the account menu, not the sidebar.
    path: '/account',
    component: page(() => import('../pages/account/account-page'), 'AccountPage'),
  },
  {
    path: '/settings/notifications',
    component: page(
      () => import('../pages/notifications/notification-channels-page'),
      'NotificationChannelsPage',
    ),
    permission: 'alert:view',
    nav: { label: 'nav.notifications', icon: 'send', section: 'settings' },
  },
  {
    path: '/settings/organization',
    component: page(() => import('../pages/settings/organization-page'), 'OrganizationPage'),
    nav: { label: 'nav.organization', icon: 'building', section: 'settings' },
  },
  {
    path: '/settings/structure',
    component: page(() => import('../pages/structure/structure-page'), 'StructurePage'),
    permission: 'settings:manage',
    nav: { label: 'nav.structure', icon: 'building', section: 'settings' },
  },
  {
    path: '/settings/sites',
    component: page(() => import('../pages/sites/sites-page'), 'SitesPage'),
    permission: 'settings:manage',
    nav: { label: 'nav.sites', icon: 'globe', section: 'settings' },
  },
  {
    path: '/settings/leave',
    component: page(() => import('../pages/leave/leave-admin-page'), 'LeaveAdminPage'),
    permission: 'leave:manage',
    nav: { label: 'nav.leaveSettings', icon: 'settings', section: 'settings' },
  },
  {
    path: '/settings/users',
    component: page(() => import('../pages/settings/users-page'), 'UsersPage'),
    permission: 'user:manage',
    nav: { label: 'nav.users', icon: 'shield', section: 'settings' },
  },
  {
    path: '/settings/roles',
    component: page(() => import('../pages/roles/roles-page'), 'RolesPage'),
    permission: 'user:manage',
    nav: { label: 'nav.roles', icon: 'shield', section: 'settings' },
  },
  {
    path: '/settings/edges',
    component: page(() => import('../pages/edges/edges-page'), 'EdgesPage'),
    permission: 'camera:manage',
    nav: { label: 'nav.edges', icon: 'camera', section: 'settings' },
  },
  {
    path: '/settings/devices',
    component: page(() => import('../pages/devices/devices-page'), 'DevicesPage'),
    permission: 'device:manage',
    nav: { label: 'nav.devices', icon: 'key', section: 'settings' },
  },
  {
    path: '/settings/tokens',
    component: page(() => import('../pages/settings/tokens-page'), 'TokensPage'),
    permission: 'token:manage',
    nav: { label: 'nav.tokens', icon: 'key', section: 'settings' },
  },
  {
    path: '/settings/integrations',
    component: page(() => import('../pages/integrations/integrations-page'), 'IntegrationsPage'),
    permission: 'integration:manage',
    nav: { label: 'nav.integrations', icon: 'send', section: 'settings' },
  },
  {
    path: '/settings/audit',
    component: page(() => import('../pages/settings/audit-page'), 'AuditPage'),
    permission: 'audit:view',
    nav: { label: 'nav.audit', icon: 'list', section: 'settings' },
  },
];
