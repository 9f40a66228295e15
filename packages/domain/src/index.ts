// The pure rules of Hadir. Import only through this entry: `import { ... } from '@hadir/domain'`.
export * from './duration.js';
export * from './permissions.js';
export * from './messages.js';
export * from './presence.js';
export * from './schedule.js';
export * from './hierarchy.js';
export * from './alerts.js';
export * from './attendance.js';
export * from './report.js';
export * from './recognition.js';
export * from './leave.js';
export * from './shifts.js';
export * from './attendance-day.js';
export * from './attendance-reason.js';
export * from './expected-work.js';
export * from './attendance-report.js';
export * from './regularization.js';
