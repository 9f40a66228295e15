import {
  licenceSentence,
  loadFaceEngine,
  selectBestPack,
  type FaceEngine,
  type LoadFaceEngineOptions,
  type PackManifest,
  type PackStatus,
} from '@hadir/vision';
import type { FaceEngineInfo } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { AppError } from '../../platform/http/errors.js';
import type { Readiness } from '../../platform/http/health.js';

export type PackSelectionState =
  | { enabled: true; pack: string; manifest: PackManifest; reason: string; candidates: PackStatus[] }
  | { enabled: false; reason: string; candidates: PackStatus[] };

export interface FaceEngineServiceOptions {
  /** Replaces vision's loader (tests: a fake engine). */
  load?: (opts: LoadFaceEngineOptions) => Promise<FaceEngine>;
  /** Enrolment-class work (uploads, re-embedding) allowed at once; the camera pipeline is not limited. */
  maxConcurrentJobs?: number;
}

/** A tiny FIFO semaphore: enrolment waits its turn instead of starving the camera pipeline of CPU. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
  get queued(): number {
    return this.waiting.length;
  }
}

// The pack is a process-wide fact (one engine per process); people's faceSampleCounts reads it.
let processPack: Promise<string | null> = Promise.resolve(null);

/** The model pack this process matches with (null: recognition disabled or not selected yet). */
export function activeFacePack(): Promise<string | null> {
  return processPack;
}

/**
 * One face engine per process. Selecting the pack (cheap: file checks and hashes) happens at boot and is
 * logged with the reason; loading the ONNX sessions happens once, on first use, so a server that never
 * enrols or watches a camera never pays for it. No usable pack is not an error: recognition is then
 * disabled and /readyz says why, so a fresh install still starts.
 */
export class FaceEngineService {
  private selection: Promise<PackSelectionState> | null = null;
  private loaded: Promise<FaceEngine | null> | null = null;
  private loadError: string | null = null;
  private engineReady = false;
  private readonly slots: Semaphore;

  constructor(
    private readonly ctx: ServerContext,
    private readonly opts: FaceEngineServiceOptions = {},
  ) {
    this.slots = new Semaphore(opts.maxConcurrentJobs ?? 1);
  }

  /** Chooses the best available pack once (logged with why). */
  select(): Promise<PackSelectionState> {
    this.selection ??= (async (): Promise<PackSelectionState> => {
      const modelsDir = this.ctx.env.modelsDir;
      try {
        const forced = this.ctx.env.HADIR_FACE_PACK;
        if (forced === 'off') {
          const reason = 'Recognition disabled by HADIR_FACE_PACK=off.';
          this.ctx.log.warn(reason);
          return { enabled: false, reason, candidates: [] };
        }
        const best = await selectBestPack(modelsDir);
        const chosen = forced ? best.candidates.find((c) => c.name === forced) : undefined;
        if (forced && !chosen) {
          const reason = `Recognition disabled: HADIR_FACE_PACK names an unknown pack "${forced}" (known: ${best.candidates.map((c) => c.name).join(', ')}).`;
          this.ctx.log.error(reason);
          return { enabled: false, reason, candidates: best.candidates };
        }
        const s = chosen
          ? {
              ...best,
              pack: chosen.name,
              manifest: chosen.manifest,
              reason: `Using pack "${chosen.name}" (forced by HADIR_FACE_PACK): ${chosen.reason}. ${licenceSentence(chosen.manifest)}`,
            }
          : best;
        const available = s.candidates.some((c) => c.name === s.pack && c.available);
        if (!available) {
          const reason = `Recognition disabled: no usable model pack in ${modelsDir} (${s.reason}).`;
          this.ctx.log.warn({ modelsDir }, reason);
          return { enabled: false, reason, candidates: s.candidates };
        }
        // The active pack and whether it may be used commercially, said the same way as /readyz and the UI.
        const licence = {
          pack: s.pack,
          licence: s.manifest.license.name,
          commercialUse: s.manifest.license.commercialUse,
        };
        if (s.manifest.license.commercialUse) this.ctx.log.info({ ...licence, modelsDir }, s.reason);
        else this.ctx.log.warn({ ...licence, modelsDir }, s.reason);
        return {
          enabled: true,
          pack: s.pack,
          manifest: s.manifest,
          reason: s.reason,
          candidates: s.candidates,
        };
      } catch (error) {
        const reason = `Recognition disabled: ${error instanceof Error ? error.message : String(error)}`;
        this.ctx.log.warn({ modelsDir }, reason);
        return { enabled: false, reason, candidates: [] };
      }
    })();
    processPack = this.selection.then((s) => (s.enabled ? s.pack : null));
    return this.selection;
  }

  /** The active pack's name, or null when recognition is disabled. */
  async activePack(): Promise<string | null> {
    const s = await this.select();
    return s.enabled ? s.pack : null;
  }

  /** The loaded engine, or null (disabled, or loading failed: the reason is in info()). */
  tryEngine(): Promise<FaceEngine | null> {
    this.loaded ??= (async () => {
      const s = await this.select();
      if (!s.enabled) return null;
      const started = performance.now();
      try {
        const engine = await (this.opts.load ?? loadFaceEngine)({
          modelsDir: this.ctx.env.modelsDir,
          pack: s.pack,
        });
        this.engineReady = true;
        this.ctx.log.info(
          { pack: engine.info.pack, loadMs: Math.round(performance.now() - started) },
          'face engine loaded',
        );
        return engine;
      } catch (error) {
        this.loadError = `Recognition disabled: pack "${s.pack}" failed to load: ${error instanceof Error ? error.message : String(error)}`;
        this.ctx.log.error({ err: error, pack: s.pack }, 'face engine failed to load');
        return null;
      }
    })();
    return this.loaded;
  }

  /** The loaded engine; 503 recognition_disabled (with the reason) when there is none. */
  async engine(): Promise<FaceEngine> {
    const engine = await this.tryEngine();
    if (engine) return engine;
    const info = await this.info();
    throw new AppError(503, 'recognition_disabled', info.reason);
  }

  /** Runs enrolment-class inference one (or maxConcurrentJobs) at a time. */
  withInferenceSlot<T>(fn: () => Promise<T>): Promise<T> {
    return this.slots.run(fn);
  }

  async info(): Promise<FaceEngineInfo> {
    const s = await this.select();
    const packs = s.candidates.map((c) => ({
      name: c.name,
      available: c.available,
      reason: c.reason,
      preference: c.manifest.preference,
    }));
    if (!s.enabled || this.loadError) {
      return {
        enabled: false,
        state: 'disabled',
        pack: s.enabled ? s.pack : null,
        detector: null,
        recognizer: null,
        embeddingSize: null,
        defaultThreshold: null,
        license: null,
        reason: this.loadError ?? s.reason,
        packs,
      };
    }
    const m = s.manifest;
    return {
      enabled: true,
      state: this.engineReady ? 'ready' : this.loaded ? 'loading' : 'selected',
      pack: s.pack,
      detector: m.detector.name,
      recognizer: m.recognizer.name,
      embeddingSize: m.embeddingSize,
      defaultThreshold: m.defaultThreshold,
      license: m.license,
      reason: s.reason,
      packs,
    };
  }

  /** /readyz check `faceEngine`: always passes (a server without models still serves), detail says which pack. */
  registerReadiness(readiness: Readiness): void {
    readiness.add('faceEngine', async () => {
      const info = await this.info();
      return {
        ok: true,
        detail: {
          enabled: info.enabled,
          state: info.state,
          pack: info.pack,
          recognizer: info.recognizer,
          licence: info.license?.name ?? null,
          commercialUse: info.license?.commercialUse ?? null,
          reason: info.reason,
        },
      };
    });
  }

  async close(): Promise<void> {
    const engine = this.loaded ? await this.loaded : null;
    await engine?.close();
  }
}
