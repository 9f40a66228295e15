import { z } from 'zod';
import { PathId } from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { SnapshotService } from './snapshot.service.js';

const Params = z.object({ id: PathId });

export function registerSnapshotRoutes(app: HttpApp, snapshots: SnapshotService): void {
  for (const which of ['face', 'frame'] as const) {
    app.get(
      `/api/snapshots/:id/${which}.jpg`,
      {
        // presence:view, or member:face:view for unknown-face and person snapshots (checked in the service).
        config: { auth: 'org' },
        schema: {
          tags: ['snapshots'],
          summary:
            which === 'face'
              ? 'The face thumbnail of a snapshot (JPEG)'
              : 'The camera frame of a snapshot (JPEG)',
          params: Params,
        },
      },
      async (req, reply) => {
        const bytes = await snapshots.read(authOf(req), orgOf(req), req.params.id, which);
        return reply
          .type('image/jpeg')
          .header('cache-control', 'private, no-store')
          .header('x-content-type-options', 'nosniff')
          .send(bytes);
      },
    );
  }
}
