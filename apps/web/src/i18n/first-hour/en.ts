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
    belowNeeds:
      'Below what recognition needs ({{width}}×{{height}}{{fps}}): use 1920×1080 at 15 fps or more, or faces further than about 3 m are too small to recognise.',
    fpsSuffix: ' at {{fps}} fps',
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
  facePack: {
    active: 'Face model pack: {{pack}}',
    licence: 'Licence: {{licence}}',
    commercialYes: 'Commercial use allowed',
    commercialNo: 'Not for commercial use',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type FirstHourMessages = Widen<typeof firstHourEn>;
