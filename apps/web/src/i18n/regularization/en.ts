/** My attendance (own month, correction requests) and the correction approvals inbox. Wired as `reg`. */
export const regularizationNavEn = {
  myAttendance: 'My attendance',
  correctionApprovals: 'Correction approvals',
} as const;

export const regularizationEn = {
  mine: {
    title: 'My attendance',
    subtitle: 'Your days this month, why each status was given, and corrections you asked for.',
    month: 'Month',
    notLinked: 'Your account is not linked to an employee record',
    notLinkedHint: 'Ask an admin to link your user to your employee record on the Users page.',
    days: 'Days',
    noDays: 'No attendance days yet this month',
    askCorrection: 'Ask for a correction',
    requests: 'My correction requests',
    noRequests: 'You have not asked for any correction',
    noRequestsHint: 'Use "Ask for a correction" on a day that is wrong.',
  },
  ask: {
    title: 'Ask to correct {{date}}',
    hint: 'Give the times that really happened, or the status the day should have, and why. Your supervisor decides.',
    checkIn: 'Check-in',
    checkOut: 'Check-out',
    status: 'Status',
    keep: 'Keep the derived status',
    note: 'Reason',
    send: 'Send request',
    sent: 'Request sent to your supervisor',
  },
  states: { pending: 'Waiting', approved: 'Approved', rejected: 'Rejected' },
  asked: 'Asked',
  change: 'Change',
  decided: '{{state}} by {{name}}',
  inbox: {
    title: 'Correction approvals',
    subtitle: 'Attendance corrections your team asked for. Approving re-derives the day.',
    empty: 'Nothing to decide',
    emptyHint: 'Requests from people you supervise appear here.',
    approve: 'Approve',
    reject: 'Reject',
    decideTitle: '{{action}} the correction of {{name}}',
    comment: 'Comment',
    approved: 'Correction approved',
    rejected: 'Correction rejected',
  },
} as const;
