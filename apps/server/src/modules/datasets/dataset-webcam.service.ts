import type { z } from 'zod';
import type { WebcamFace, WebcamResult } from '@hadir/contracts';
import { decodeImage, ImageDecodeError } from '@hadir/vision';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest } from '../../platform/http/errors.js';
import type { FaceModules } from '../faces/index.js';
import type { DatasetAttendanceService } from './dataset-attendance.service.js';
import { DatasetLiveService } from './dataset-live.service.js';

/** A webcam frame is small: 1920×1080 at most, tens of kB of JPEG at the 640 px the page sends. */
export const WEBCAM_MAX_FRAME_BYTES = 1024 * 1024; // the socket's maxPayload
const WEBCAM_MAX_PIXELS = 1920 * 1080;
const MIN_FACE_PX = 40;

/**
 * Live recognition of one browser-camera frame: faces found and embedded with the active pack, named by
 * the organization's live model (through its persons' employee links) or else by the enrolment gallery.
 */
export class DatasetWebcamService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly faces: FaceModules,
    private readonly live: DatasetLiveService,
    private readonly attendance: DatasetAttendanceService,
  ) {}

  /**
   * One frame's faces, named; with the organization's libraryAttendance on, the employees named also get
   * a `webcam` attendance event (once per interval, see DatasetAttendanceService).
   */
  async recognize(
    auth: Pick<AuthContext, 'userId' | 'tokenId'>,
    orgId: string,
    jpeg: Uint8Array,
  ): Promise<WebcamResult> {
    const started = performance.now();
    if (jpeg.byteLength > WEBCAM_MAX_FRAME_BYTES)
      throw new AppError(413, 'frame_too_large', 'A webcam frame may be at most 1 MB.');
    const engine = await this.faces.engine.tryEngine();
    if (!engine) throw new AppError(503, 'recognition_disabled', 'Face recognition is not available');
    let frame;
    try {
      frame = await decodeImage(jpeg, { maxPixels: WEBCAM_MAX_PIXELS });
    } catch (error) {
      if (error instanceof ImageDecodeError) throw badRequest(`image_${error.code}`, error.message);
      throw error;
    }
    const found = await this.faces.engine.withInferenceSlot(() =>
      engine.analyze(frame, { minFacePx: MIN_FACE_PX }),
    );
    const gallery = await this.faces.galleries.galleryFor(orgId);
    const model = await this.live.activeModel(orgId);
    const usable = model && gallery && model.pack === gallery.pack ? model : null;
    const out: z.infer<typeof WebcamFace>[] = [];
    for (const f of found) {
      const p = usable ? DatasetLiveService.predict(usable, f.embedding) : null;
      const box = { x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height };
      if (p?.accepted) {
        out.push({
          box,
          name: p.label,
          code: p.code,
          employeeId: p.employeeId,
          score: round(p.score),
          by: 'model',
        });
        continue;
      }
      const m = gallery?.match(f.embedding);
      if (m?.employeeId) {
        out.push({
          box,
          name: null,
          code: null,
          employeeId: m.employeeId,
          score: round(m.cosineSimilarity ?? 0),
          by: 'enrolment',
        });
        continue;
      }
      out.push({
        box,
        name: null,
        code: null,
        employeeId: null,
        score: round(Math.max(p?.score ?? 0, m?.cosineSimilarity ?? 0)),
        by: 'none',
      });
    }
    // Employees' names for the faces the gallery (or a linked class) named.
    const ids = [...new Set(out.map((o) => o.employeeId).filter((id): id is string => id !== null))];
    if (ids.length) {
      const rows = await this.ctx.db
        .selectFrom('employees')
        .select(['id', 'name'])
        .where('organizationId', '=', orgId)
        .where('id', 'in', ids)
        .execute();
      const names = new Map(rows.map((r) => [r.id, r.name]));
      for (const o of out) if (o.employeeId) o.name = names.get(o.employeeId) ?? o.name;
    }
    const seen = out.flatMap((o) => (o.employeeId ? [{ employeeId: o.employeeId, score: o.score }] : []));
    const recorded = await this.attendance.recordWebcam(auth, orgId, seen);
    return {
      type: 'webcam.result',
      width: frame.width,
      height: frame.height,
      faces: out,
      model: usable ? { number: usable.number, threshold: usable.threshold } : null,
      serverMs: Math.round(performance.now() - started),
      recorded: recorded.map((employeeId) => ({
        employeeId,
        name: out.find((o) => o.employeeId === employeeId)?.name ?? '',
      })),
    };
  }
}

const round = (v: number): number => Math.round(v * 1000) / 1000;
