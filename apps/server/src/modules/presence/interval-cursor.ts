import { badRequest } from '../../platform/http/errors.js';

/**
 * The keyset cursor over presence intervals, ordered by (lastSeenTs desc, id desc). The presence log
 * and the analytics log page through the same table, so a cursor from one is read the same way by both.
 */
export function encodeIntervalCursor(lastSeenTs: number, id: string): string {
  return Buffer.from(`${lastSeenTs}:${id}`).toString('base64url');
}

export function decodeIntervalCursor(cursor: string): { lastSeenTs: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const at = text.indexOf(':');
  const lastSeenTs = Number(text.slice(0, at));
  if (at < 1 || !Number.isFinite(lastSeenTs)) throw badRequest('invalid_cursor', 'The cursor is not valid');
  return { lastSeenTs, id: text.slice(at + 1) };
}
