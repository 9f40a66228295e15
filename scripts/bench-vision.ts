/*
 * npm run bench -- vision [--models DIR] [--data DIR] [--iterations N] [--packs a,b] [--threads N]
 * Per-stage timings on a 1920×1080 frame built from the group photos, for every available pack, plus
 * 1:N gallery matching at 1k/10k/100k identities. Prints markdown tables.
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
      threads: { type: 'string', default: '1' },
    },
  });
  const modelsDir =
    values.models ??
    (process.env.HADIR_MODELS_DIR ? defaultModelsDir() : path.resolve(here, '..', '..', 'shared', 'models'));
  const dataDir =
    values.data ?? process.env.HADIR_DATA_DIR ?? path.resolve(here, '..', '..', 'shared', 'data');
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

  console.log('\n## 1:N matching (one query, best identity + runner-up, one embedding per identity)\n');
  console.log('| identities | 128-d ms/query | 512-d ms/query | 512-d gallery MB |');
  console.log('|---|---|---|---|');
  for (const n of [1_000, 10_000, 100_000]) {
    const cells: string[] = [];
    for (const dim of [128, 512]) {
      const g = new Gallery({ dimension: dim, initialCapacity: n });
      for (let i = 0; i < n; i++) g.add(`id${i}`, randomUnit(dim, i + 7));
      const q = randomUnit(dim, 424242);
      const out = new TopK(2);
      g.searchInto(q, out);
      const reps = Math.max(5, Math.min(200, Math.round(2e6 / n)));
      const samples: number[] = [];
      for (let r = 0; r < reps; r++) samples.push((await time(() => g.searchInto(q, out)))[1]);
      cells.push(median(samples).toFixed(n >= 100_000 ? 1 : 3));
    }
    console.log(
      `| ${n.toLocaleString('en')} | ${cells[0]} | ${cells[1]} | ${((n * 512 * 4) / 1e6).toFixed(0)} |`,
    );
  }
}

// Run directly: node --import tsx scripts/bench-vision.ts
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
