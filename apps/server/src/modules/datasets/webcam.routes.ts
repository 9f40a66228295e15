import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import { assertSameOrigin } from '../presence/index.js';
import type { DatasetWebcamService } from './dataset-webcam.service.js';

/**
 * Live recognition from a browser camera over its own WebSocket. Not the live event socket (/api/ws):
 * that one is one-way, coalesces bursts per key and drops slow readers, none of which suits a request
 * and its answer. Here the browser sends a JPEG (binary message) and waits for the JSON answer before
 * sending the next frame, so a slow server lowers the frame rate instead of queueing frames; one frame
 * in flight per socket, a second one while busy is answered with an error, never queued.
 */
export function registerWebcamRoutes(app: HttpApp, ctx: ServerContext, webcam: DatasetWebcamService): void {
  app.get(
    '/api/webcam/ws',
    {
      websocket: true,
      config: { auth: 'video:view' },
      schema: { hide: true },
      preValidation: async (req) => assertSameOrigin(req, ctx.env.HADIR_PUBLIC_URL),
    },
    (socket, req) => {
      const orgId = orgOf(req);
      const auth = authOf(req);
      let busy = false;
      const fail = (code: string, message: string) =>
        socket.send(JSON.stringify({ type: 'webcam.error', code, message }));
      socket.on('message', (data, isBinary) => {
        if (!isBinary) return fail('binary_expected', 'Send each frame as one binary JPEG message.');
        if (busy) return fail('busy', 'Wait for the answer to the previous frame.');
        busy = true;
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        webcam
          .recognize(auth, orgId, bytes)
          .then(
            (result) => socket.send(JSON.stringify(result)),
            (err: unknown) => {
              if (err instanceof AppError) fail(err.code, err.message);
              else {
                ctx.log.warn({ err }, 'webcam frame failed');
                fail('internal', 'The frame could not be analysed.');
              }
            },
          )
          .finally(() => {
            busy = false;
          });
      });
    },
  );
}
