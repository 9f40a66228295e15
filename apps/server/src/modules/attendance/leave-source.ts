/**
 * The seam to the leave module: approved leave per employee and date. The attendance slice never reads
 * leave tables itself; the composition root wires the leave module's implementation, and without one
 * nobody is on leave.
 */
export interface ApprovedLeaveDay {
  employeeId: string;
  /** YYYY-MM-DD in the organization's zone. */
  date: string;
  portion: 'full' | 'first_half' | 'second_half';
  leaveTypeName: string;
  requestId: string;
}

export interface LeaveSource {
  approvedLeave(
    organizationId: string,
    fromDate: string,
    toDate: string,
    employeeIds?: readonly string[],
  ): Promise<ApprovedLeaveDay[]>;
}

export const NO_LEAVE: LeaveSource = {
  approvedLeave: () => Promise.resolve([]),
};
