import type { NotificationMessage } from '@hadir/contracts';
import {
  formatAlertMessage,
  formatCameraDownMessage,
  formatEscalationMessage,
  formatReturnedMessage,
  type Locale,
} from '@hadir/domain';

/** Renders a message in the recipient's locale with the domain's golden-tested formatters. */
export function renderMessage(message: NotificationMessage, locale: Locale): string {
  switch (message.type) {
    case 'absence':
      return formatAlertMessage({
        employeeCode: message.employeeCode,
        name: message.employeeName,
        cameraName: message.cameraName,
        awayMs: message.awayMs,
        locale,
      });
    case 'escalation':
      return formatEscalationMessage({
        employeeCode: message.employeeCode,
        name: message.employeeName,
        cameraName: message.cameraName,
        awayMs: message.awayMs,
        level: message.level,
        unacknowledgedByName: message.unacknowledgedByName ?? null,
        locale,
      });
    case 'returned':
      return formatReturnedMessage({
        employeeCode: message.employeeCode,
        name: message.employeeName,
        awayMs: message.awayMs,
        locale,
      });
    case 'camera_down':
      return formatCameraDownMessage({ cameraName: message.cameraName, durationMs: message.downMs, locale });
    case 'daily_report':
      return message.text;
    case 'test':
      return message.text;
    case 'leave':
    case 'correction':
      return message.text;
    default: {
      const unreachable: never = message;
      throw new Error(`unknown message ${JSON.stringify(unreachable)}`);
    }
  }
}

/** "+6281234567890" → "•••••••7890": enough to recognise, not enough to harvest. */
export function maskNumber(number: string | null): string | null {
  if (number === null) return null;
  const digits = number.replace(/\D/g, '');
  return digits.length <= 4 ? '••••' : `${'•'.repeat(Math.min(8, digits.length - 4))}${digits.slice(-4)}`;
}

/** WhatsApp APIs take international digits without "+" or separators. */
export function waDigits(number: string): string {
  return number.replace(/\D/g, '');
}
