/**
 * Security strings: face enrolment review and look-alike warnings (issue 9, item 14) and invitations
 * (item 12). Wired into the locale files as `sec`.
 */
export const securityEn = {
  faces: {
    pending: 'Waiting for review',
    pendingHint: 'Not used for recognition until a manager approves it.',
    approve: 'Approve',
    reject: 'Reject',
    approved: 'Face sample approved',
    rejected: 'Face sample rejected and deleted',
    pendingCount_one: '{{count}} face sample waits for review',
    pendingCount_other: '{{count}} face samples wait for review',
    resultPending: 'Saved; waits for a manager’s approval',
    duplicateTitle: 'This face already belongs to someone else',
    duplicateBody:
      'Nothing was saved. The photo matches another employee above the recognition threshold; the same face enrolled for two people makes recognition unreliable.',
    duplicateOf: 'Matches {{name}} ({{code}}) · similarity {{score}}',
    duplicateUnknown: 'Matches another employee · similarity {{score}}',
    photoMatch: '{{photo}}: {{match}}',
    duplicateConfirm: 'Enrol anyway',
    duplicateCancel: 'Keep nothing',
    duplicateBadge: 'Looks like {{name}}',
    duplicateBadgeUnknown: 'Looks like another employee',
  },
} as const;
