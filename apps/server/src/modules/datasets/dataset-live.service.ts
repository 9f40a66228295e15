import type { DatasetClass } from '@hadir/contracts';
import { predictHead, type HeadMethod, type HeadWeights } from '@hadir/vision';
import type { ServerContext } from '../../context.js';

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    /** The organization's active library or live model changed. */
    'datasetModel.activated': { organizationId: string };
  }
}

/** What the camera pipeline matches against (the faces module's OrgGallery fits it). */
export interface LiveGallery {
  readonly threshold: number;
  match(
    embedding: ArrayLike<number>,
    threshold?: number,
  ): {
    employeeId: string | null;
    cosineSimilarity: number | null;
    secondBest: { employeeId: string; cosineSimilarity: number } | null;
  };
}

/** An organization's model active for live cameras, ready to apply. */
export interface LiveModel {
  id: string;
  number: number;
  method: HeadMethod;
  pack: string;
  weights: HeadWeights;
  threshold: number;
  dim: number;
  /** Per class: its label (the person's name, else its code) and the employee it is linked to now. */
  classes: { code: string; label: string; personId: string | null; employeeId: string | null }[];
}

export interface LivePrediction {
  code: string;
  label: string;
  employeeId: string | null;
  score: number;
  accepted: boolean;
}

/** Person ↔ employee links change without an event of their own: a cached model is re-read this often. */
const CACHE_MS = 15_000;

/**
 * The model an organization activated for live cameras, applied where faces are matched live: the
 * camera pipeline (wrapping the enrolment gallery) and the browser camera. A class names an employee
 * only through its person's employee link; people the model was not trained on are still known by
 * their enrolment samples (the gallery answers when the model refuses or names an unlinked person).
 */
export class DatasetLiveService {
  private readonly cache = new Map<string, { atMs: number; model: Promise<LiveModel | null> }>();

  constructor(private readonly ctx: ServerContext) {}

  subscribe(): () => void {
    return this.ctx.events.subscribe('datasetModel.activated', ({ organizationId }) =>
      this.cache.delete(organizationId),
    );
  }

  activeModel(orgId: string): Promise<LiveModel | null> {
    const now = this.ctx.clock.nowMs();
    const hit = this.cache.get(orgId);
    if (hit && now - hit.atMs < CACHE_MS) return hit.model;
    const model = this.load(orgId);
    this.cache.set(orgId, { atMs: now, model });
    model.catch(() => this.cache.delete(orgId));
    return model;
  }

  private async load(orgId: string): Promise<LiveModel | null> {
    const m = await this.ctx.db
      .selectFrom('datasetModels')
      .select(['id', 'number', 'method', 'pack', 'weights', 'threshold', 'classes'])
      .where('organizationId', '=', orgId)
      .where('activeLive', '=', 1)
      .where('status', '=', 'ready')
      .executeTakeFirst();
    if (!m?.weights || m.threshold === null) return null;
    const weights = JSON.parse(m.weights) as HeadWeights;
    const classes = JSON.parse(m.classes) as DatasetClass[];
    const personIds = classes.map((c) => c.personId).filter((id): id is string => id !== null);
    const persons = personIds.length
      ? await this.ctx.db
          .selectFrom('videoPersons')
          .select(['id', 'name', 'employeeId'])
          .where('organizationId', '=', orgId)
          .where('id', 'in', personIds)
          .execute()
      : [];
    const byId = new Map(persons.map((p) => [p.id, p]));
    return {
      id: m.id,
      number: m.number,
      method: m.method,
      pack: m.pack,
      weights,
      threshold: m.threshold,
      dim: weights.centroids[0]?.length ?? 0,
      classes: classes.map((c) => {
        const p = c.personId ? byId.get(c.personId) : undefined;
        return {
          code: c.code,
          label: p?.name ?? c.name ?? c.code,
          personId: c.personId,
          employeeId: p?.employeeId ?? null,
        };
      }),
    };
  }

  /** The model's answer for one embedding of its pack, or null when the embedding is not of its kind. */
  static predict(
    model: LiveModel,
    embedding: ArrayLike<number>,
    threshold = model.threshold,
  ): LivePrediction | null {
    if (embedding.length !== model.dim) return null;
    const pred = predictHead(model.method, model.weights, embedding);
    const cls = model.classes[pred.index];
    if (!cls) return null;
    return {
      code: cls.code,
      label: cls.label,
      employeeId: cls.employeeId,
      score: pred.score,
      accepted: pred.score >= threshold,
    };
  }

  /**
   * The gallery live cameras of an organization match against: the enrolment gallery, with the active
   * live model in front of it. Its threshold is the model's open-set threshold (a camera's own threshold
   * still wins); an accepted class linked to an employee names that employee, anything else falls
   * through to the enrolment gallery at the organization's threshold.
   */
  async galleryFor(
    orgId: string,
    pack: string | null,
    base: LiveGallery | null,
  ): Promise<LiveGallery | null> {
    if (!base) return null; // recognition disabled: no embeddings to apply a model to
    const model = await this.activeModel(orgId);
    if (!model || model.pack !== pack) return base;
    // The analyzer keeps candidates at or above the gallery's threshold: the lower of the two lets both
    // answers through, each decided at its own threshold (a camera's own threshold overrides both).
    const threshold = Math.min(model.threshold, base.threshold);
    return {
      threshold,
      match(embedding, asked) {
        const override = asked !== undefined && asked !== threshold ? asked : undefined;
        const p = DatasetLiveService.predict(model, embedding, override ?? model.threshold);
        if (p?.accepted && p.employeeId)
          return { employeeId: p.employeeId, cosineSimilarity: p.score, secondBest: null };
        return base.match(embedding, override);
      },
    };
  }
}
