import type { Logger } from '../../../platform/logging/logger.js';
import type { NotificationChannelPlugin, OutgoingMessage, SendResult } from './channel.js';

/** Writes messages to the log: the default for development and a fresh install with no provider yet. */
export class LogChannel implements NotificationChannelPlugin {
  readonly type = 'log' as const;
  constructor(
    private readonly log: Logger,
    readonly ratePerSecond = 100,
  ) {}

  async send(message: OutgoingMessage): Promise<SendResult> {
    this.log.info(
      {
        to: message.to,
        idempotencyKey: message.idempotencyKey,
        document: message.document ? message.document.fileName : null,
      },
      `[notification] ${message.text}`,
    );
    return {
      providerMessageId: `log-${message.idempotencyKey}`,
      httpStatus: null,
      response: null,
      template: null,
    };
  }
}
