/*
 * npm run eval:quality -- [--data DIR] [--models DIR] [--pack NAME] [--lfw N] [--fps N] [--json]
 * Measures what the enrolment quality gate accepts and refuses, per source of real faces:
 *   lfw        LFW photos (frontal news photos, 250×250)
 *   known      known_people crops (150×150, tight)
 *   groups     every face of the group photos, cropped as a user would (face + margin)
 *   cctv       every face the detector finds in the real camera clips (videos/*), cropped the same way:
 *              the "crop from CCTV footage" enrolment of issue 14
 *   cctv-recognizable  those cctv faces whose embedding matches the same face half a second later
 *              (cosine ≥ the pack threshold): faces the live path recognizes, which enrolment must accept
 *   bad-*      LFW photos made truly bad: blurred, tiny, dark
 * Each crop goes through enrolFromImages, the code the server runs. Prints accept/reject rates with the
 * reasons, and the score distribution (0–100).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { locateFfmpeg } from '../capture/ffmpeg-command.js';
import { enrolFromImages, type EnrolImageResult } from '../enrol.js';
import { loadFaceEngine, type FaceEngine } from '../engine/face-engine.js';
import { decodeImage } from '../image/decode.js';
import { defaultModelsDir } from '../packs/models-dir.js';
import { cosineSimilarity } from '../recognize/vector.js';
import type { DetectedFace, RgbFrame } from '../types.js';
import { blurFrame, cropWithMargin, darkenFrame, shrinkFrame } from '../eval/degrade.js';

type Row = { source: string; result: EnrolImageResult; bestCos?: number };

async function* videoFrames(file: string, fps: number): AsyncGenerator<RgbFrame> {
  const ffmpeg = locateFfmpeg()?.ffmpeg;
  if (!ffmpeg) throw new Error('ffmpeg not found');
  const probe = await new Promise<string>((resolve) => {
    const p = spawn(ffmpeg, ['-hide_banner', '-i', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', () => resolve(err));
  });
  const m = /Video:.*?(\d{2,5})x(\d{2,5})/.exec(probe);
  if (!m) return;
  const width = Number(m[1]);
  const height = Number(m[2]);
  const child = spawn(
    ffmpeg,
    ['-v', 'error', '-i', file, '-vf', `fps=${fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const size = width * height * 3;
  let buf = Buffer.alloc(0);
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= size) {
      yield { data: new Uint8Array(buf.subarray(0, size)), width, height };
      buf = buf.subarray(size);
    }
  }
}

async function enrolOne(engine: FaceEngine, frame: RgbFrame): Promise<EnrolImageResult> {
  const [r] = await enrolFromImages(engine, [frame]);
  return r!;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summarize(rows: Row[]): string[] {
  const out: string[] = [];
  const sources = [...new Set(rows.map((r) => r.source))];
  out.push(
    '| source | faces | accepted | refused: reasons | score p10 / p50 / p90 | size px p10 / p50 |',
    '|---|---|---|---|---|---|',
  );
  for (const s of sources) {
    const mine = rows.filter((r) => r.source === s);
    const ok = mine.filter((r) => r.result.ok).length;
    const reasons = new Map<string, number>();
    for (const r of mine) {
      if (r.result.ok) continue;
      const key = r.result.code === 'poor_quality' ? `${r.result.code}:${r.result.factor}` : r.result.code;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const scores = mine
      .map((r) => r.result.quality?.score)
      .filter((v): v is number => v !== undefined)
      .map((v) => Math.round(v * 100))
      .sort((a, b) => a - b);
    const sizes = mine
      .map((r) => r.result.quality?.sizePx)
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    const reasonText = [...reasons].map(([k, n]) => `${k} ${n}`).join(', ') || '–';
    out.push(
      `| ${s} | ${mine.length} | ${ok} (${((100 * ok) / Math.max(1, mine.length)).toFixed(1)} %) | ${reasonText} | ${percentile(scores, 10)} / ${percentile(scores, 50)} / ${percentile(scores, 90)} | ${Math.round(percentile(sizes, 10))} / ${Math.round(percentile(sizes, 50))} |`,
    );
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      models: { type: 'string' },
      pack: { type: 'string' },
      lfw: { type: 'string', default: '200' },
      fps: { type: 'string', default: '2' },
      recognizable: { type: 'string', default: '0.6' },
      json: { type: 'boolean', default: false },
    },
  });
  const data = values.data ?? path.resolve(defaultModelsDir(), '..', 'data');
  if (!existsSync(data)) {
    console.error(`no data set at ${data} (pass --data ../shared/data)`);
    return 2;
  }
  const engine = await loadFaceEngine({
    modelsDir: values.models ?? defaultModelsDir(),
    ...(values.pack ? { pack: values.pack } : {}),
  });
  // A face is 'recognizable' when its embedding matches the same face in the next sampled frame this well.
  const recognizable = Number(values.recognizable);
  console.log(`pack ${engine.info.pack} (${engine.info.detector} + ${engine.info.recognizer})`);
  const rows: Row[] = [];
  try {
    // LFW: every k-th person's first image, and the same photos made bad.
    const people = readdirSync(path.join(data, 'faces')).sort();
    const step = Math.max(1, Math.floor(people.length / Number(values.lfw)));
    for (let i = 0; i < people.length; i += step) {
      const dir = path.join(data, 'faces', people[i]!);
      const file = readdirSync(dir).sort()[0]!;
      const frame = await decodeImage(readFileSync(path.join(dir, file)));
      rows.push({ source: 'lfw', result: await enrolOne(engine, frame) });
      if (i % (step * 4) === 0) {
        rows.push({ source: 'bad-blurred (sigma 4)', result: await enrolOne(engine, blurFrame(frame, 4)) });
        rows.push({
          source: 'bad-tiny (face ≈ 20 px)',
          result: await enrolOne(engine, shrinkFrame(frame, 0.18)),
        });
        rows.push({ source: 'bad-dark (×0.08)', result: await enrolOne(engine, darkenFrame(frame, 0.08)) });
      }
    }
    for (const name of readdirSync(path.join(data, 'known_people')).sort()) {
      for (const file of readdirSync(path.join(data, 'known_people', name)).sort()) {
        const frame = await decodeImage(readFileSync(path.join(data, 'known_people', name, file)));
        rows.push({ source: 'known_people', result: await enrolOne(engine, frame) });
      }
    }
    for (const file of readdirSync(path.join(data, 'groups')).filter((f) => /\.jpe?g$/i.test(f))) {
      const frame = await decodeImage(readFileSync(path.join(data, 'groups', file)));
      for (const f of await engine.detect(frame)) {
        rows.push({
          source: 'groups (each face cropped)',
          result: await enrolOne(engine, cropWithMargin(frame, f)),
        });
      }
    }
    for (const file of readdirSync(path.join(data, 'videos')).sort()) {
      let previous: { face: DetectedFace; embedding: Float32Array; frame: RgbFrame }[] = [];
      for await (const frame of videoFrames(path.join(data, 'videos', file), Number(values.fps))) {
        const faces = await engine.detect(frame);
        const embeddings = faces.length ? await engine.embed(frame, faces) : [];
        const current = faces.map((face, i) => ({ face, embedding: embeddings[i]!, frame }));
        for (const p of previous) {
          const best = Math.max(-1, ...current.map((c) => cosineSimilarity(p.embedding, c.embedding)));
          const result = await enrolOne(engine, cropWithMargin(p.frame, p.face));
          rows.push({ source: 'cctv (video faces cropped)', result, bestCos: best });
          if (best >= recognizable) {
            rows.push({
              source: `cctv-recognizable (cos ≥ ${recognizable} 0.5 s later)`,
              result,
              bestCos: best,
            });
          }
        }
        previous = current;
      }
    }
  } finally {
    await engine.close();
  }
  const lines = summarize(rows);
  for (const l of lines) console.log(l);
  if (values.json)
    console.log(
      JSON.stringify(
        rows.map((r) => ({
          source: r.source,
          ok: r.result.ok,
          code: r.result.ok ? null : r.result.code,
          quality: r.result.quality,
          bestCos: r.bestCos,
        })),
      ),
    );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? `error: ${err.message}` : err);
    process.exitCode = 1;
  },
);
