export { LeaveQueries, type ApprovedLeaveDay } from './leave.queries.js';
export { LeaveTypesService } from './leave-types.service.js';
export { LeaveRequestsService } from './leave-requests.service.js';
export { LeaveAttachmentsService, sniffAttachment } from './leave-attachments.service.js';
export { registerLeaveRoutes } from './leave.routes.js';
