import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; secrets and biometric fields are redacted wherever they appear. */
export function createLogger(level: string, name = 'hadir'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        '*.password',
        '*.passwordHash',
        '*.token',
        '*.accessToken',
        '*.embedding',
        '*.embeddings',
      ],
      censor: '[redacted]',
    },
  });
}
