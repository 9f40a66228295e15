/*
 * npm run index-video -- --video FILE [--enrol "Name=photo.jpg" …] [--fps 5] [--pack NAME] [--models DIR] [--json]
 * The video library's processing on one file: people detected and tracked, grouped by face into
 * persons with appearance ranges; persons whose face matches an --enrol photo get that name.
 * --json prints one JSON object as the last line.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { locateFfmpeg } from '../capture/ffmpeg-command.js';
import { loadFaceEngine } from '../engine/face-engine.js';
import { enrolFromImages } from '../enrol.js';
import { decodeImage } from '../image/decode.js';
import { defaultModelsDir } from '../packs/models-dir.js';
import { cosineSimilarity } from '../recognize/vector.js';
import { resolvePersonDetector } from '../person/person-packs.js';
import { probeVideo } from '../person/video-probe.js';
import { indexVideo } from '../person/video-indexer.js';
import { YoloxPersonDetector } from '../person/yolox-detector.js';

const USAGE =
  'usage: npm run index-video -- --video FILE [--enrol "Name=photo.jpg" …] [--fps 5] [--pack NAME] [--models DIR] [--json]';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      video: { type: 'string' },
      enrol: { type: 'string', multiple: true },
      fps: { type: 'string' },
      pack: { type: 'string' },
      models: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.video) {
    console.error(USAGE);
    return 2;
  }
  const log = (line: string): void => {
    if (!values.json) console.log(line);
    else console.error(line);
  };
  const modelsDir = values.models ?? defaultModelsDir();
  const ff = locateFfmpeg();
  if (!ff?.ffprobe) {
    console.error('ffmpeg and ffprobe are needed (apt install ffmpeg)');
    return 1;
  }
  const det = await resolvePersonDetector(modelsDir);
  if (det.path === null) {
    console.error(
      `${det.reason}; install it with npm run models -- pull ${det.manifest.name} --from-file FILE`,
    );
    return 1;
  }
  const probe = await probeVideo(ff.ffprobe, values.video);
  const detector = await YoloxPersonDetector.load(det.path);
  const engine = await loadFaceEngine({ modelsDir, ...(values.pack ? { pack: values.pack } : {}) });
  try {
    const enrolled: { name: string; embedding: Float32Array }[] = [];
    for (const spec of values.enrol ?? []) {
      const eq = spec.indexOf('=');
      if (eq <= 0) throw new Error(`--enrol wants "Name=photo.jpg", got ${spec}`);
      const name = spec.slice(0, eq);
      const photo = await decodeImage(await readFile(spec.slice(eq + 1)));
      // Stills cut from footage can be small: accept down to 24 px (the user chose this photo on purpose).
      const [result] = await enrolFromImages(engine, [photo], { minFacePx: 24 });
      if (!result) throw new Error(`${spec}: no face`);
      if (!result.ok) throw new Error(`${spec}: ${result.message}`);
      for (const e of result.embeddings) enrolled.push({ name, embedding: e });
    }
    log(
      `${values.video}: ${probe.width}×${probe.height}, ${probe.durationSec.toFixed(1)} s, pack ${engine.info.pack}`,
    );
    const fps = values.fps ? Number(values.fps) : 5;
    if (!(fps > 0 && fps <= 30)) throw new Error('--fps must be between 0 and 30');
    const r = await indexVideo({
      ffmpeg: ff.ffmpeg,
      file: values.video,
      durationSec: probe.durationSec,
      videoFps: probe.fps,
      width: probe.width,
      height: probe.height,
      personDetector: detector,
      faceEngine: engine,
      analysedFps: fps,
    });
    const persons = r.persons.map((p, i) => {
      let name: string | undefined;
      let best = engine.info.defaultThreshold;
      if (p.embedding)
        for (const e of enrolled) {
          const s = cosineSimilarity(e.embedding, p.embedding);
          if (s >= best) {
            best = s;
            name = e.name;
          }
        }
      return {
        code: `PERSON-${String(i + 1).padStart(4, '0')}`,
        ...(name ? { name } : {}),
        ranges: p.ranges.map((x) => [x.startSec, x.endSec] as [number, number]),
        faces: p.faces.length,
      };
    });
    for (const p of persons)
      log(
        `${p.code}${p.name ? ` (${p.name})` : ''}: ${p.ranges.map(([a, b]) => `${a.toFixed(1)}–${b.toFixed(1)} s`).join(', ')}; ${p.faces} faces`,
      );
    log(
      `${r.framesAnalyzed} frames analysed in ${(r.elapsedMs / 1000).toFixed(1)} s: ${r.realtimeFactor.toFixed(2)}× real time`,
    );
    if (values.json)
      console.log(
        JSON.stringify({
          persons,
          framesAnalyzed: r.framesAnalyzed,
          durationSec: r.durationSec,
          realtimeFactor: Math.round(r.realtimeFactor * 100) / 100,
        }),
      );
    return 0;
  } finally {
    await detector.close();
    await engine.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
