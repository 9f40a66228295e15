/** Mobile devices and their sync logs (managers), and the website's refusal of app-only roles. Wired as `dev`. */
export const devicesNavEn = { devices: 'Mobile devices' } as const;

export const devicesEn = {
  title: 'Mobile devices',
  subtitle: 'Phones registered in the attendance app, their last sync, and what each sync brought in.',
  device: 'Device',
  owner: 'Registered by',
  registered: 'Registered',
  lastSync: 'Last sync',
  never: 'Never',
  status: 'Status',
  active: 'Active',
  revoked: 'Revoked',
  revoke: 'Revoke',
  revokeTitle: 'Revoke “{{name}}”?',
  revokeBody: 'The phone can no longer sync. Records it has not synced yet stay on the phone.',
  revokedDone: '“{{name}}” revoked',
  empty: 'No mobile devices yet',
  emptyHint: 'A phone appears here once someone signs in to the attendance app on it.',
  logsTitle: 'Sync log',
  logsEmpty: 'No syncs yet',
  syncedAt: 'Synced at',
  synced: 'Recorded',
  failed: 'Rejected',
  duplicates: 'Already synced',
  skew: 'Clock skew',
  skewSeconds: '{{seconds}} s',
  logStatus: { ok: 'OK', partial: 'Partly rejected', failed: 'Refused' },
  appOnly:
    'Members and officers use the Hadir attendance app on their phone, not this website. Open {{url}} on your phone.',
} as const;
