/**
 * Strings for the first-hour fixes (alert snapshot, camera health and form hints). Wired into the
 * locale files as `fh`.
 */
export const firstHourEn = {
  alerts: {
    snapshotAlt: 'How {{name}} was last seen',
  },
  filters: {
    more: 'More filters',
    moreActive: 'More filters ({{count}} on)',
    fewer: 'Fewer filters',
  },
  cameras: {
    enabledUp: 'All enabled cameras are running ({{disabled}} disabled)',
    allDisabled: 'Every camera is disabled',
    idFromName: 'Made from the name; you can change it before saving',
    lowResolution:
      'The stream is {{width}}×{{height}}: below {{minimum}}p a face about 3 m away is smaller than the 40 px recognition needs. Use the camera’s main stream ({{recommended}}p recommended).',
    lowFps:
      'The stream runs at {{fps}} fps: below {{minimum}} fps a person walking past is seen in too few frames to be recognised. Set the camera to {{recommended}} fps.',
    previewAlt: 'The frame the test decoded from this source',
    previewNote: 'Preview only; not recorded',
  },
  dateField: {
    day: 'dd',
    month: 'mm',
    year: 'yyyy',
    openCalendar: 'Open the calendar',
    required: 'Required',
    invalid: 'Not a date; write it as {{format}}',
    tooEarly: 'Choose {{date}} or later',
    tooLate: 'Choose {{date}} or earlier',
  },
  enrol: {
    quality: 'Quality {{score}}/100',
    factor: {
      size: 'Size',
      blur: 'Sharpness',
      pose: 'Facing',
      brightness: 'Light',
    },
    factorValue: '{{label}} {{value}}',
    facePx: 'Face {{px}} px',
    why: {
      size: 'The face is too small: at least 32 px is needed. Use a larger photo or crop closer.',
      blur: 'The face is blurred. Use a sharper photo.',
      pose: 'The head is turned too far. Use a photo facing the camera.',
      brightness: 'The face is too dark or too bright. Use a photo in even light.',
    },
    chooseTitle: '{{count}} faces in {{file}}: click the face to enrol',
    chooseHint: 'Faces that cannot be enrolled are shown in red with the reason.',
    faceN: 'Face {{n}}: quality {{score}}/100',
    faceNRejected: 'Face {{n}}: {{reason}}',
    enrolling: 'Enrolling the chosen face…',
    chooseBadge: 'Choose a face',
    cancelChoice: 'Cancel',
  },
  facePack: {
    active: 'Face model pack: {{pack}}',
    licence: 'Licence: {{licence}}',
    commercialYes: 'Commercial use allowed',
    commercialNo: 'Not for commercial use',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type FirstHourMessages = Widen<typeof firstHourEn>;
