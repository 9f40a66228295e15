/*
 * npm run bench -- vision [--models DIR] [--data DIR] [--iterations N] [--packs a,b] [--threads N] [--matching-only]
 * Per-stage timings on a 1920×1080 frame built from the group photos, for every available pack, plus
 * 1:N gallery matching at 1k/10k/100k identities (before/after, recall@1 against the exact scan;
 * `--matching-only` runs just that). Prints markdown tables.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import {
  ComposedFaceEngine,
  Gallery,
  TopK,
  alignFace,
  decodeImage,
  defaultModelsDir,
  listPacks,
  loadFaceEngine,
} from '@hadir/vision';

const here = path.dirname(fileURLToPath(import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

/** A 1920×1080 JPEG: four group photos in a 2×2 grid of 960×540 tiles (about 20 faces). */
async function buildFrame(dataDir: string): Promise<Buffer> {
  const files = ['bbt1.jpg', 'bbt3.jpg', 'bbt4.jpg', '000_5.jpg'];
  const tiles = await Promise.all(
    files.map((f) =>
      sharp(path.join(dataDir, 'groups', f))
        .resize(960, 540, { fit: 'cover' })
        .toBuffer(),
    ),
  );
  return sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#000' } })
    .composite(tiles.map((input, i) => ({ input, left: (i % 2) * 960, top: Math.floor(i / 2) * 540 })))
    .jpeg({ quality: 90 })
    .toBuffer();
}

function randomUnit(dim: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 4294967296 - 0.5;
  }
  return v;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      models: { type: 'string' },
      data: { type: 'string' },
      iterations: { type: 'string', default: '5' },
      packs: { type: 'string' },
      'matching-only': { type: 'boolean', default: false },
      threads: { type: 'string', default: '1' },
    },
  });
  const modelsDir =
    values.models ??
    (process.env.HADIR_MODELS_DIR ? defaultModelsDir() : path.resolve(here, '..', '..', 'shared', 'models'));
  const dataDir =
    values.data ?? process.env.HADIR_DATA_DIR ?? path.resolve(here, '..', '..', 'shared', 'data');
  if (values['matching-only']) return benchMatching([1_000, 10_000, 100_000]);
  const iterations = Math.max(1, Number(values.iterations));
  const threads = Number(values.threads);
  const jpeg = await buildFrame(dataDir);

  const available = (await listPacks(modelsDir)).filter((p) => p.available);
  const wanted = values.packs ? values.packs.split(',') : available.map((p) => p.name);
  console.log(`# Vision benchmark\n`);
  console.log(
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, threads per session ${threads}, median of ${iterations} runs after 1 warm-up; models ${modelsDir}\n`,
  );
  console.log(
    '| pack | detector + recognizer | faces | decode ms | detect ms | align ms | embed ms (all faces) | embed ms/face | match ms (1k) | total ms | faces/s/core |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');

  for (const name of wanted) {
    const engine = await loadFaceEngine({ modelsDir, pack: name, threads });
    if (!(engine instanceof ComposedFaceEngine)) throw new Error('unexpected engine type');
    const gallery = new Gallery({ dimension: engine.info.embeddingSize, initialCapacity: 1000 });
    for (let i = 0; i < 1000; i++) gallery.add(`id${i}`, randomUnit(engine.info.embeddingSize, i + 1));
    const rows: Record<string, number[]> = { decode: [], detect: [], align: [], embed: [], match: [] };
    let faces = 0;
    for (let it = 0; it <= iterations; it++) {
      const [frame, decodeMs] = await time(() => decodeImage(jpeg));
      const [dets, detectMs] = await time(() => engine.detector.detect(frame));
      const { template, cropSizePx } = engine.recognizer.alignment;
      const [crops, alignMs] = await time(() =>
        dets.map((d) => alignFace(frame, d.landmarks, template, cropSizePx)),
      );
      const [embs, embedMs] = await time(() => engine.embedCrops(crops));
      const out = new TopK(2);
      const [, matchMs] = await time(() => {
        for (const e of embs) gallery.searchInto(e, out);
      });
      if (it === 0) continue; // warm-up
      faces = dets.length;
      rows.decode!.push(decodeMs);
      rows.detect!.push(detectMs);
      rows.align!.push(alignMs);
      rows.embed!.push(embedMs);
      rows.match!.push(matchMs);
    }
    const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])) as Record<
      string,
      number
    >;
    const total = m.decode! + m.detect! + m.align! + m.embed! + m.match!;
    const perCore = (faces / total) * 1000;
    console.log(
      `| ${name} | ${engine.info.detector} + ${engine.info.recognizer}${engine.info.flipAugment ? ' (flip)' : ''} | ${faces} | ${m.decode!.toFixed(1)} | ${m.detect!.toFixed(1)} | ${m.align!.toFixed(1)} | ${m.embed!.toFixed(1)} | ${(m.embed! / Math.max(1, faces)).toFixed(1)} | ${m.match!.toFixed(2)} | ${total.toFixed(0)} | ${perCore.toFixed(1)} |`,
    );
    await engine.close();
  }

  await benchMatching([1_000, 10_000, 100_000]);
}

/**
 * 1:N matching, old exact JavaScript scan vs the int8 prefilter + exact rescoring, one core. Two kinds of
 * query: an enrolled person (a noisy second photo, cosine ≈ 0.8 to their enrolment) and a stranger. The
 * recall@1 column is agreement with the exact scan on the top-1 identity over all queries.
 */
export async function benchMatching(sizes: number[]): Promise<void> {
  console.log(
    '\n## 1:N matching (one query, best identity + runner-up, one embedding per identity, one core)\n',
  );
  console.log(
    '| identities | dim | exact JS ms (before) | new ms, enrolled person | new ms, stranger | recall@1 vs exact | paths | gallery MB (f32 + int8) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    for (const dim of [128, 512]) {
      const fast = new Gallery({ dimension: dim, initialCapacity: n });
      const exact = new Gallery({ dimension: dim, initialCapacity: n, strategy: 'exact' });
      const enrolled: Float32Array[] = [];
      for (let i = 0; i < n; i++) {
        const v = randomUnit(dim, i + 7);
        if (i % Math.max(1, Math.floor(n / 50)) === 0) enrolled.push(v);
        fast.add(`id${i}`, v);
        exact.add(`id${i}`, v);
      }
      const genuine = enrolled.map((v, i) => noisy(v, randomUnit(dim, 900_000 + i), 0.75));
      const strangers = Array.from({ length: 50 }, (_, i) => randomUnit(dim, 424242 + i));
      const outA = new TopK(2);
      const outB = new TopK(2);
      let agree = 0;
      const paths = new Map<string, number>();
      for (const q of [...genuine, ...strangers]) {
        fast.searchInto(q, outA);
        paths.set(fast.lastSearch.path, (paths.get(fast.lastSearch.path) ?? 0) + 1);
        exact.searchInto(q, outB);
        if (
          outA.identityIndex[0] === outB.identityIndex[0] &&
          outA.cosineSimilarity[0] === outB.cosineSimilarity[0]
        )
          agree++;
      }
      const timeQueries = async (g: Gallery, qs: Float32Array[]): Promise<number> => {
        const samples: number[] = [];
        const reps = Math.max(1, Math.min(4, Math.round(2e5 / n)));
        for (let r = 0; r < reps; r++)
          for (const q of qs) samples.push((await time(() => g.searchInto(q, outA)))[1]);
        return median(samples);
      };
      const before = await timeQueries(exact, strangers.slice(0, n >= 100_000 ? 10 : 50));
      const afterGenuine = await timeQueries(fast, genuine);
      const afterStranger = await timeQueries(fast, strangers);
      const fmt = (ms: number) => ms.toFixed(ms < 1 ? 3 : 2);
      const pathText = [...paths].map(([p, c]) => `${p} ${c}`).join(', ');
      console.log(
        `| ${n.toLocaleString('en')} | ${dim} | ${fmt(before)} | ${fmt(afterGenuine)} | ${fmt(afterStranger)} | ${((100 * agree) / (genuine.length + strangers.length)).toFixed(1)} % | ${pathText} | ${((n * dim * 5) / 1e6).toFixed(0)} |`,
      );
    }
  }
}

/** v plus noise, normalised: about `cos` cosine similarity to v for random high-dimensional noise. */
function noisy(v: Float32Array, noise: Float32Array, cos: number): Float32Array {
  const nv = Math.hypot(...v);
  const nn = Math.hypot(...noise);
  const b = Math.sqrt(1 / (cos * cos) - 1);
  return Float32Array.from(v, (x, i) => x / nv + (b * noise[i]!) / nn);
}

// Run directly: node --import tsx scripts/bench-vision.ts
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
