import type { Kysely, Transaction } from 'kysely';
import {
  formatAlertMessage,
  formatCameraDownMessage,
  formatEscalationMessage,
  formatReturnedMessage,
  type Locale,
} from '@hadir/domain';
import type { DB } from '../../platform/db/schema.js';
import type { Logger } from '../../platform/logging/logger.js';

/** The alert messages this module sends; the same shapes as the notifications module's NotificationMessage. */
export type AlertMessage =
  | { type: 'absence'; employeeCode: string; employeeName: string; cameraName: string; awayMs: number }
  | {
      type: 'escalation';
      employeeCode: string;
      employeeName: string;
      cameraName: string;
      awayMs: number;
      level: number;
    }
  | { type: 'returned'; employeeCode: string; employeeName: string; awayMs: number }
  | { type: 'camera_down'; cameraName: string; downMs: number };

export type AlertNotificationKind = 'alert' | 'alert_escalated' | 'alert_returned' | 'camera_down';

export interface AlertNotification {
  organizationId: string;
  kind: AlertNotificationKind;
  recipientEmployeeId: string;
  message: AlertMessage;
  relatedAlertId?: string;
  /** One message per key ever: a retried tick or a restart never sends twice. */
  idempotencyKey: string;
}

/**
 * Where alert messages go. The notifications module implements it (outbox row + delivery job in the
 * caller's transaction); until it is wired, LogAlertNotifier only logs.
 */
export interface AlertNotifier {
  enqueue(trx: Transaction<DB> | Kysely<DB>, n: AlertNotification): Promise<unknown>;
}

/** Text of a message for the dashboard and logs, in the organization's language. */
export function renderAlertMessage(m: AlertMessage, locale: Locale): string {
  switch (m.type) {
    case 'absence':
      return formatAlertMessage({
        employeeCode: m.employeeCode,
        name: m.employeeName,
        cameraName: m.cameraName,
        awayMs: m.awayMs,
        locale,
      });
    case 'escalation':
      return formatEscalationMessage({
        employeeCode: m.employeeCode,
        name: m.employeeName,
        cameraName: m.cameraName,
        awayMs: m.awayMs,
        level: m.level,
        locale,
      });
    case 'returned':
      return formatReturnedMessage({
        employeeCode: m.employeeCode,
        name: m.employeeName,
        awayMs: m.awayMs,
        locale,
      });
    case 'camera_down':
      return formatCameraDownMessage({ cameraName: m.cameraName, durationMs: m.downMs, locale });
    default: {
      const never: never = m;
      throw new Error(`unknown alert message ${JSON.stringify(never)}`);
    }
  }
}

export class LogAlertNotifier implements AlertNotifier {
  constructor(private readonly log: Logger) {}
  async enqueue(_trx: Transaction<DB> | Kysely<DB>, n: AlertNotification): Promise<void> {
    this.log.info(
      {
        kind: n.kind,
        recipientEmployeeId: n.recipientEmployeeId,
        alertId: n.relatedAlertId,
        key: n.idempotencyKey,
      },
      `alert notification (no notifications module wired): ${renderAlertMessage(n.message, 'en')}`,
    );
  }
}
