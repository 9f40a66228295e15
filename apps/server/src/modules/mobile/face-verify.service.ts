import {
  cosineSimilarity,
  decodeImage,
  ImageDecodeError,
  type AnalyzedFace,
  type FaceBox,
  type RgbFrame,
} from '@hadir/vision';
import type { LivenessResult } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, payloadTooLarge } from '../../platform/http/errors.js';
import {
  embeddingFromBytes,
  embeddingRows,
  MAX_PHOTO_PIXELS,
  type FaceEngineService,
  type FaceMatch,
  type GalleryService,
} from '../faces/index.js';
import type { PhoneFaceInference } from './phone-inference.js';
import type { RecognitionScope } from './mobile-sites.service.js';

/** A turn challenge passes when the head's yaw spans at least this many degrees across the frames. */
export const LIVENESS_MIN_YAW_RANGE_DEG = 12;
/** Every liveness frame must show the same person as the verified image (cosine, looser than matching). */
const LIVENESS_SAME_PERSON = 0.3;
const MIN_FACE_PX = 48;
/**
 * A phone photo is decoded at most this large (shrink-on-load): a near face keeps hundreds of pixels,
 * the 112 px aligned crop loses nothing, and a 12 MP photo costs a tenth of its full decode.
 */
const PHONE_MAX_DECODED_PIXELS = 1920 * 1080;

export interface Verification {
  verified: boolean;
  score: number | null;
  threshold: number;
  /** Why not verified, in a sentence for the person at the camera; null when verified. */
  reason: string | null;
  /** retry: a better photo may pass (no face, too small, no template yet); refused: someone else. */
  outcome: 'verified' | 'retry' | 'refused';
  liveness: LivenessResult | null;
  /** The decoded image and the face in it, for the event snapshot (never presented). */
  capture?: { frame: RgbFrame; box: FaceBox };
}

/** An officer's 1:N answer: who (or why nobody), the score, and whether the site or the organization. */
export interface Recognition {
  memberId: string | null;
  score: number | null;
  /** no_face | below_threshold | ambiguous | empty | not_at_site when nobody is recognized. */
  reason: 'no_face' | 'below_threshold' | 'ambiguous' | 'empty' | 'not_at_site' | null;
  matchedIn: 'site' | 'organization' | null;
  face: AnalyzedFace | null;
  /** The analysed frame (its pixels went to an inference worker and back: use this one). */
  frame: RgbFrame;
}

/** Why an officer's queued capture was not recorded, for the sync result. */
const UNRECOGNIZED: Record<NonNullable<Recognition['reason']>, string> = {
  no_face: 'No face was found in the capture.',
  below_threshold: 'The face was not recognized among the members; record this person by name.',
  empty: 'No member here has a registered face yet; record this person by name.',
  ambiguous: 'Two members look too alike to tell apart; record this person by name.',
  not_at_site: 'The face belongs to a member of another site.',
};

/** Decodes a base64 JPEG/PNG (a `data:` URL prefix is accepted); bad input is a 400, never a 500. */
export async function decodeBase64Image(data: string, what = 'face_image'): Promise<RgbFrame> {
  const comma = data.startsWith('data:') ? data.indexOf(',') : -1;
  const b64 = comma >= 0 ? data.slice(comma + 1) : data;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(b64.slice(0, 4096)))
    throw badRequest('invalid_image', `${what} is not base64`);
  const bytes = Buffer.from(b64, 'base64');
  try {
    return await decodeImage(bytes, {
      maxPixels: MAX_PHOTO_PIXELS,
      maxOutputPixels: PHONE_MAX_DECODED_PIXELS,
    });
  } catch (error) {
    if (error instanceof ImageDecodeError) {
      if (error.code === 'too_large') throw payloadTooLarge(`${what}: ${error.message}`);
      throw badRequest(`image_${error.code}`, `${what}: ${error.message}`);
    }
    throw error;
  }
}

const largest = (faces: readonly AnalyzedFace[]): AnalyzedFace | null =>
  faces.reduce<AnalyzedFace | null>((a, b) => (!a || b.quality.sizePx > a.quality.sizePx ? b : a), null);

/**
 * 1:1 face verification against a member's own template, computed on the server from the captured image
 * with the active pack; and the active liveness check (a head turn seen across several frames).
 */
export class FaceVerifyService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly engine: FaceEngineService,
    private readonly galleries: GalleryService,
    private readonly inference: PhoneFaceInference,
  ) {}

  /** How many faces are detected and embedded at once (a sync verifies this many records ahead, twice). */
  get parallelism(): number {
    return this.inference.workers;
  }

  /**
   * The main face of a phone capture with its embedding (null when there is none), and the frame (its
   * pixels went to an inference worker and back: use this one, not the one passed in).
   */
  async analyze(frame: RgbFrame): Promise<{ face: AnalyzedFace | null; frame: RgbFrame }> {
    const r = await this.inference.analyze(frame);
    return { face: largest(r.faces), frame: r.frame };
  }

  async threshold(orgId: string): Promise<number> {
    const t = await this.galleries.thresholdFor(orgId);
    if (t === null) throw new AppError(503, 'recognition_disabled', 'Face recognition is not available');
    return t;
  }

  /** Best cosine similarity between an embedding and the member's samples of the active pack. */
  async scoreAgainstMember(
    orgId: string,
    memberId: string,
    embedding: ArrayLike<number>,
  ): Promise<number | null> {
    const pack = await this.engine.activePack();
    if (!pack) throw new AppError(503, 'recognition_disabled', 'Face recognition is not available');
    const rows = await embeddingRows(this.ctx.db, orgId, pack, memberId);
    let best: number | null = null;
    for (const row of rows) {
      const e = embeddingFromBytes(row.embedding);
      if (!e || e.length !== embedding.length) continue;
      const s = cosineSimilarity(embedding, e);
      if (best === null || s > best) best = s;
    }
    return best;
  }

  /** Verifies an embedding (already computed on the server, or a trusted integration's) against a member. */
  async verifyEmbedding(
    orgId: string,
    memberId: string,
    embedding: ArrayLike<number>,
  ): Promise<Verification> {
    const threshold = await this.threshold(orgId);
    const score = await this.scoreAgainstMember(orgId, memberId, embedding);
    if (score === null) {
      return {
        verified: false,
        score: null,
        threshold,
        outcome: 'retry',
        reason:
          'No approved face for this member yet: register the face; a self-registration works once a manager approves it.',
        liveness: null,
      };
    }
    const verified = score >= threshold;
    return {
      verified,
      score,
      threshold,
      outcome: verified ? 'verified' : 'refused',
      reason: verified ? null : 'The face does not match this member.',
      liveness: null,
    };
  }

  /**
   * A face encoding sent by an integration (never by the app): only an API token may, and only with the
   * active pack's model name and embedding length, since vectors of another model are not comparable.
   */
  async verifyTrustedEncoding(
    auth: AuthContext,
    orgId: string,
    memberId: string,
    encoding: readonly number[],
    model: string | undefined,
  ): Promise<Verification> {
    if (auth.kind !== 'token')
      throw new AppError(
        403,
        'encoding_not_trusted',
        'Send face_image: a face_encoding is accepted only from integration tokens',
      );
    const s = await this.engine.select();
    if (!s.enabled) throw new AppError(503, 'recognition_disabled', 'Face recognition is not available');
    if (model !== s.pack || encoding.length !== s.manifest.embeddingSize)
      throw badRequest(
        'encoding_mismatch',
        `face_encoding must come from the active pack "${s.pack}" (${s.manifest.embeddingSize} numbers)`,
      );
    const norm = Math.hypot(...encoding);
    if (!Number.isFinite(norm) || norm === 0) throw badRequest('encoding_invalid', 'face_encoding is empty');
    return this.verifyEmbedding(
      orgId,
      memberId,
      encoding.map((x) => x / norm),
    );
  }

  /**
   * Officer capture: the member this face belongs to (1:N). With a site scope the site's members are
   * searched first, and the organization only when the scope allows it; the answer says where.
   */
  async recognize(orgId: string, image: string, scope: RecognitionScope | null = null) {
    const r = await this.recognizeFrame(orgId, await decodeBase64Image(image), scope);
    const e = r.memberId
      ? await this.ctx.db
          .selectFrom('employees')
          .select(['name', 'employeeCode'])
          .where('organizationId', '=', orgId)
          .where('id', '=', r.memberId)
          .executeTakeFirst()
      : undefined;
    return {
      member_id: r.memberId,
      name: e?.name ?? null,
      employee_code: e?.employeeCode ?? null,
      score: r.score,
      reason: r.reason,
      matched_in: r.matchedIn,
    };
  }

  /** The 1:N decision for a decoded frame: site members first, then (if allowed) the organization. */
  async recognizeFrame(orgId: string, frame: RgbFrame, scope: RecognitionScope | null): Promise<Recognition> {
    const { face, frame: back } = await this.analyze(frame);
    if (!face)
      return { memberId: null, score: null, reason: 'no_face', matchedIn: null, face: null, frame: back };
    const answer = (m: FaceMatch, where: 'site' | 'organization'): Recognition =>
      m.employeeId === null
        ? { memberId: null, score: m.cosineSimilarity, reason: m.reason, matchedIn: null, face, frame: back }
        : {
            memberId: m.employeeId,
            score: m.cosineSimilarity,
            reason: null,
            matchedIn: where,
            face,
            frame: back,
          };
    if (!scope) return answer(await this.galleries.match(orgId, face.embedding), 'organization');
    const atSite = await this.galleries.matchWithin(orgId, face.embedding, scope.members);
    if (atSite.employeeId !== null) return answer(atSite, 'site');
    const org = await this.galleries.match(orgId, face.embedding);
    if (!scope.only) return answer(org, 'organization');
    // Site only: someone from elsewhere is named as such, never answered.
    if (org.employeeId !== null && !scope.members.has(org.employeeId))
      return {
        memberId: null,
        score: org.cosineSimilarity,
        reason: 'not_at_site',
        matchedIn: null,
        face,
        frame: back,
      };
    return answer(atSite, 'site');
  }

  /**
   * An officer's offline capture at sync: who it is (1:N within the scope) as a verification the
   * record keeps (score, the face for the snapshot), or why nobody was recognized.
   */
  async identify(
    orgId: string,
    image: string,
    scope: RecognitionScope | null,
  ): Promise<Verification & { memberId: string | null }> {
    const frame = await decodeBase64Image(image);
    const [r, threshold] = await Promise.all([
      this.recognizeFrame(orgId, frame, scope),
      this.threshold(orgId),
    ]);
    const base = { threshold, liveness: null, score: r.score };
    if (r.memberId === null || !r.face)
      return {
        ...base,
        memberId: null,
        verified: false,
        outcome: 'refused',
        reason: UNRECOGNIZED[r.reason ?? 'below_threshold'],
      };
    return {
      ...base,
      memberId: r.memberId,
      verified: true,
      outcome: 'verified',
      reason: null,
      capture: { frame: r.frame, box: r.face.box },
    };
  }

  /** Verifies a captured image (and, when given, liveness frames) against the member's template. */
  async verifyImage(
    orgId: string,
    memberId: string,
    image: string,
    livenessFrames?: readonly string[],
  ): Promise<Verification> {
    // The liveness frames are decoded and analysed alongside the main image (several workers).
    const live = livenessFrames ? this.livenessFaces(livenessFrames) : null;
    live?.catch(() => undefined);
    const { face, frame } = await this.analyze(await decodeBase64Image(image));
    const threshold = await this.threshold(orgId);
    if (!face) {
      return {
        verified: false,
        score: null,
        threshold,
        outcome: 'retry',
        reason: 'No face was found; face the camera in good light.',
        liveness: null,
      };
    }
    if (face.quality.sizePx < MIN_FACE_PX) {
      return {
        verified: false,
        score: null,
        threshold,
        outcome: 'retry',
        reason: 'The face is too small; hold the phone closer.',
        liveness: null,
      };
    }
    const result = {
      ...(await this.verifyEmbedding(orgId, memberId, face.embedding)),
      capture: { frame, box: face.box },
    };
    if (!live) return result;
    const liveness = this.liveness(face, await live);
    if (!liveness.passed && result.verified) {
      return { ...result, verified: false, outcome: 'retry', reason: liveness.reason, liveness };
    }
    return { ...result, liveness };
  }

  /** The main face of each liveness frame (null where there is none), analysed in parallel. */
  private livenessFaces(frames: readonly string[]): Promise<(AnalyzedFace | null)[]> {
    return Promise.all(
      frames.map(async (data, i) => {
        const { face } = await this.analyze(await decodeBase64Image(data, `liveness_frames[${i}]`));
        return face;
      }),
    );
  }

  /**
   * Active liveness, a head-turn challenge: the frames must show the same person as `reference`, and the
   * head's yaw (from the five landmarks) must move across them. A photo or a screen held to the camera
   * gives the same pose in every frame and fails.
   */
  liveness(reference: AnalyzedFace, faces: readonly (AnalyzedFace | null)[]): LivenessResult {
    const yaws: number[] = [];
    let otherPerson = false;
    for (const face of faces) {
      if (!face) continue;
      if (cosineSimilarity(face.embedding, reference.embedding) < LIVENESS_SAME_PERSON) {
        otherPerson = true;
        continue;
      }
      yaws.push(face.quality.yawDeg ?? 0);
    }
    yaws.push(reference.quality.yawDeg ?? 0);
    const range = yaws.length > 0 ? Math.max(...yaws) - Math.min(...yaws) : 0;
    const round = Math.round(range * 10) / 10;
    const base = { challenge: 'turn' as const, yaw_range_deg: round, frames_with_face: yaws.length - 1 };
    if (otherPerson)
      return { ...base, passed: false, reason: 'The frames show a different person; try again alone.' };
    if (yaws.length - 1 < 2)
      return { ...base, passed: false, reason: 'Keep your face in the frame while you turn your head.' };
    if (range < LIVENESS_MIN_YAW_RANGE_DEG)
      return { ...base, passed: false, reason: 'Turn your head slowly to the left and right.' };
    return { ...base, passed: true, reason: null };
  }
}
