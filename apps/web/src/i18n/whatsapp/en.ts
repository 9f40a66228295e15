/**
 * WhatsApp template settings on the notification channel form, the test dialog and provider error
 * explanations in the outbox. Wired into the locale files as `wa`.
 */
export const whatsappEn = {
  templates: 'Approved templates',
  templatesHint:
    'WhatsApp delivers free text only to people who wrote to your number in the last 24 hours. Everyone else gets the approved template below; without one the message is refused.',
  howTo: 'How to get a template approved',
  slot: {
    alert: 'Alerts (also escalations and camera down)',
    returned: 'Back at work',
    dailyReport: 'Daily report',
  },
  use: 'Use a template',
  name: 'Template name',
  nameHint: 'Exactly as approved in WhatsApp Manager, e.g. hadir_alert',
  nameInvalid: 'Lowercase letters, digits and _ only',
  language: 'Template language',
  languageHint: 'The language code of the approved translation, e.g. id, en_US, vi',
  parameters: 'Body parameters, in order',
  parametersHint: '{{p1}} gets the first, {{p2}} the second …',
  addParameter: 'Add parameter',
  removeParameter: 'Remove parameter {{n}}',
  moveUp: 'Move parameter {{n}} up',
  bodyText: 'Approved body text',
  bodyTextHint: 'Paste the template body with {{p1}}, {{p2}} … to see a preview.',
  documentHeader: 'The template has a document header (the report PDF goes in it)',
  preview: 'Preview',
  previewEmpty: 'Paste the body text to see the filled template.',
  field: {
    message: 'Whole message text',
    employeeName: 'Employee name',
    employeeCode: 'Employee ID',
    cameraName: 'Camera',
    duration: 'How long',
    date: 'Date',
    time: 'Time',
  },
  sample: {
    message: '[ALERT] EMP001 - Budi Santoso left Camera Gudang A 6 minutes ago',
    employeeName: 'Budi Santoso',
    employeeCode: 'EMP001',
    cameraName: 'Camera Gudang A',
    duration: '6 minutes',
    date: 'Monday, 3 March 2025',
    time: '09:41',
  },
  testTemplate: 'Send as',
  testTemplateNone: 'Free text (only inside the 24-hour window)',
  testTemplateSlot: 'Template: {{slot}}',
  sentAsTemplate: 'Sent as template {{name}}',
  resend: 'Resend',
  resent: 'Queued to send again',
  providerError: {
    '131047':
      'WhatsApp refused free text: the person has not written in the last 24 hours. Set an approved template.',
    '132000': 'The template’s parameters do not match the approved template (count or order).',
    '132001': 'WhatsApp does not know this template name in this language.',
    '132005': 'The filled template is too long.',
    '132007': 'The template text breaks WhatsApp’s format rules.',
    '132012': 'A template parameter has the wrong format.',
    '132015': 'The template is paused for low quality.',
    '132016': 'The template is disabled.',
    '131026': 'The message could not be delivered to this number (no WhatsApp, or an old app).',
    '131030': 'This number is not on the test number’s allowed list.',
    '131056': 'Too many messages to this person in a short time. It will be retried.',
    '130429': 'WhatsApp’s rate limit was reached. It will be retried.',
    '131048': 'WhatsApp limited sending for spam concerns.',
    '190': 'The access token is invalid or expired. Enter a new one.',
    '100': 'WhatsApp refused a parameter of the request.',
    unknown: 'The provider refused the message.',
  },
  providerCode: 'code {{code}}',
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type WhatsappMessages = Widen<typeof whatsappEn>;
