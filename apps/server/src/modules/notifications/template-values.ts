import type { NotificationMessage, TemplateField } from '@hadir/contracts';
import { formatReportDate, humanDuration, localDateTime, type Locale } from '@hadir/domain';

export type TemplateValues = Partial<Record<TemplateField, string>>;

/**
 * The pieces of a message a WhatsApp template can take as body parameters, rendered in the recipient's
 * language and the organization's time zone at enqueue time (`message` is the whole rendered text).
 */
export function templateValuesOf(
  message: NotificationMessage,
  body: string,
  locale: Locale,
  timeZone: string,
  nowMs: number,
): TemplateValues {
  const local = localDateTime(timeZone, nowMs);
  const values: TemplateValues = {
    message: body,
    date: formatReportDate(local.date, locale),
    time: `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`,
  };
  switch (message.type) {
    case 'absence':
    case 'escalation':
      return {
        ...values,
        employeeName: message.employeeName,
        employeeCode: message.employeeCode,
        cameraName: message.cameraName ?? '',
        duration: humanDuration(message.awayMs, locale, { smallestUnit: 'minute' }),
      };
    case 'returned':
      return {
        ...values,
        employeeName: message.employeeName,
        employeeCode: message.employeeCode,
        duration: humanDuration(message.awayMs, locale, { smallestUnit: 'minute' }),
      };
    case 'camera_down':
      return {
        ...values,
        cameraName: message.cameraName,
        duration: humanDuration(message.downMs, locale, { smallestUnit: 'minute' }),
      };
    case 'daily_report':
    case 'test':
    case 'leave':
    case 'correction':
      return values;
    default: {
      const unreachable: never = message;
      throw new Error(`unknown message ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Sample values for "Send test" with a template: what an alert about a made-up person would carry. */
export function sampleTemplateValues(text: string, locale: Locale, timeZone: string, nowMs: number) {
  return templateValuesOf(
    {
      type: 'absence',
      employeeCode: 'TEST01',
      employeeName: 'Test',
      cameraName: 'Camera 1',
      awayMs: 6 * 60_000,
    },
    text,
    locale,
    timeZone,
    nowMs,
  );
}

export function parseTemplateValues(json: string | null): TemplateValues {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/** "HTTP 400: Re-engagement message (code 131047)" → "131047"; null when the error names no code. */
export function providerErrorCode(lastError: string | null): string | null {
  if (!lastError) return null;
  return /\(code (\w+)\)\s*$/.exec(lastError)?.[1] ?? null;
}
