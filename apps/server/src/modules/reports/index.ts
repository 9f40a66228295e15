export {
  ReportsService,
  scheduleOf,
  type AttendanceDaysSource,
  type ReportOptions,
} from './reports.service.js';
export { registerReportRoutes } from './reports.routes.js';
export { startReportWorker } from './reports.jobs.js';
export { renderReportPdf, REPORT_WORDS } from './report-pdf.js';
export { renderReportCsv } from './report-csv.js';
