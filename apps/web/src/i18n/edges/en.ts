/** Edge boxes at sites (the hub's view): status, enrol codes, revocation. Wired as `edg`. */
export const edgesNavEn = { edges: 'Edge boxes' } as const;

export const edgesEn = {
  title: 'Edge boxes',
  subtitle:
    'Boxes at your sites that run their cameras locally and keep working when the link to this server is cut.',
  add: 'Add edge box',
  name: 'Name',
  nameHint: 'For example "Gudang A edge"',
  sites: 'Sites it serves',
  sitesHint: 'Leave all unticked to serve every camera of the organization.',
  allCameras: 'All cameras',
  status: 'Status',
  states: { pending: 'Waiting to enrol', online: 'Online', lost: 'Link lost', revoked: 'Revoked' },
  lastContact: 'Last contact',
  never: 'Never',
  queue: 'Queued',
  skew: 'Clock skew',
  skewSeconds: '{{seconds}} s',
  device: 'Box',
  newCode: 'New enrol code',
  revoke: 'Revoke',
  revokeTitle: 'Revoke “{{name}}”?',
  revokeBody:
    'The box is refused from its next call. Its cameras go back to this server; what it has not sent yet is not received.',
  revokedDone: '“{{name}}” revoked',
  codeTitle: 'Enrol the box',
  codeBody:
    'Start the box with this one-time code within 15 minutes: npm start -- --roles edge --hub {{hub}} --enrol-code CODE. It is shown only now.',
  codeLabel: 'Enrol code',
  empty: 'No edge boxes yet',
  emptyHint: 'Add one for a site whose cameras should keep working when the internet link drops.',
} as const;
