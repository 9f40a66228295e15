/*
 * npm run eval -- [--faces DIR] [--groups DIR] [--pairs FILE] [--pack NAME] [--models DIR] [--json]
 *   [--max-pairs-per-fold N] [--no-rank1] [--no-flip|--flip] [--det-size PX] [--threads N]
 * npm run eval -- --face-sizes [--faces DIR] [--people 100] [--sizes 20,30,40,60,80,120]
 *   [--inputs 480x288,640x384,640x640] [--pack NAME] [--models DIR] [--json]
 * --face-sizes: detector recall by face size (LFW faces scaled into 1920×1080 frames) at each SCRFD input.
 * --groups runs the detection count on the annotated group photos (shared/data/groups), alone or after LFW.
 * Prints a human report; with --json the LAST line is one JSON object (fractions in 0..1).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadFaceEngine } from '../engine/face-engine.js';
import path from 'node:path';
import { faceSizeRecallTable, runFaceSizeRecall } from '../eval/face-sizes.js';
import { runGroupDetection } from '../eval/groups.js';
import { runEvaluation } from '../eval/run-eval.js';
import { defaultModelsDir } from '../packs/models-dir.js';

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      faces: { type: 'string' },
      groups: { type: 'string' },
      pairs: { type: 'string' },
      pack: { type: 'string' },
      models: { type: 'string' },
      json: { type: 'boolean', default: false },
      'max-pairs-per-fold': { type: 'string' },
      'no-rank1': { type: 'boolean', default: false },
      flip: { type: 'boolean' },
      'no-flip': { type: 'boolean' },
      'det-size': { type: 'string' },
      threads: { type: 'string' },
      'face-sizes': { type: 'boolean', default: false },
      people: { type: 'string' },
      sizes: { type: 'string' },
      inputs: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values['face-sizes']) {
    const report = await runFaceSizeRecall({
      modelsDir: values.models ?? defaultModelsDir(),
      facesDir: values.faces ?? path.resolve(defaultModelsDir(), '..', 'data', 'faces'),
      ...(values.pack ? { pack: values.pack } : {}),
      ...(values.people ? { people: Number(values.people) } : {}),
      ...(values.sizes ? { sizesPx: values.sizes.split(',').map(Number) } : {}),
      ...(values.inputs
        ? {
            inputs: values.inputs.split(',').map((s) => {
              const [width, height] = s.split('x').map(Number);
              return { width: width!, height: height! };
            }),
          }
        : {}),
      onProgress: (line) => console.error(line),
    });
    console.log(
      `pack ${report.pack} (threshold ${report.threshold}), faces in ${report.frame.width}×${report.frame.height} frames\n`,
    );
    console.log(faceSizeRecallTable(report));
    if (values.json) console.log(JSON.stringify(report));
    return 0;
  }
  if (values.help || (!values.faces && !values.groups)) {
    console.error(
      'usage: npm run eval -- [--faces DIR] [--groups DIR] [--pairs FILE] [--pack NAME] [--models DIR] [--json] [--max-pairs-per-fold N] [--no-rank1] [--flip|--no-flip] [--det-size PX] [--threads N]',
    );
    return values.help ? 0 : 2;
  }
  const modelsDir = values.models ?? defaultModelsDir();
  const flipAugment = values['no-flip'] ? false : values.flip ? true : undefined;
  const engine = await loadFaceEngine({
    modelsDir,
    ...(values.pack ? { pack: values.pack } : {}),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
    ...(values['det-size'] ? { detectorInputSizePx: Number(values['det-size']) } : {}),
    ...(flipAugment !== undefined ? { flipAugment } : {}),
  });
  const log = values.json ? (s: string) => console.error(s) : (s: string) => console.log(s);
  log(
    `pack ${engine.info.pack} (${engine.info.detector} + ${engine.info.recognizer}, ${engine.info.embeddingSize}-d, flip ${engine.info.flipAugment}): ${engine.info.reason}`,
  );
  try {
    if (values.groups) {
      const g = await runGroupDetection({ engine, groupsDir: values.groups, now: () => performance.now() });
      log(
        `group photos: ${g.facesFound}/${g.facesAnnotated} annotated faces found (${pct(g.facesFound / Math.max(1, g.facesAnnotated))}) in ${g.images} images, ${g.falseDetections} other detections, ${g.msPerImage?.toFixed(0)} ms per image`,
      );
      for (const r of g.perImage) log(`  ${r.file}: ${r.found}/${r.faces}, ${r.falseDetections} other`);
      if (!values.faces) {
        if (values.json) console.log(JSON.stringify({ groups: g }));
        return 0;
      }
    }
    const report = await runEvaluation({
      engine,
      facesDir: values.faces!,
      ...(values.pairs ? { pairsFile: values.pairs } : {}),
      ...(values['max-pairs-per-fold'] ? { maxPairsPerFold: Number(values['max-pairs-per-fold']) } : {}),
      rank1: !values['no-rank1'],
      now: () => performance.now(),
      onProgress: (done, total) => {
        if (done % 250 === 0 || done === total) process.stderr.write(`\r  embedded ${done}/${total} images`);
      },
    });
    process.stderr.write('\n');
    log(`pairs ${report.pairs} in ${report.folds} folds (${report.pairsSource}), images ${report.images}`);
    log(
      `accuracy ${pct(report.accuracy)} ± ${pct(report.accuracyStd)} (threshold chosen on the other folds; mean ${report.meanBestThreshold.toFixed(3)})`,
    );
    log(`TAR@FAR1e-2 ${pct(report.tarAtFar1e2)} (threshold ${report.thresholdAtFar1e2.toFixed(3)})`);
    log(`TAR@FAR1e-3 ${pct(report.tarAtFar1e3)} (threshold ${report.thresholdAtFar1e3.toFixed(3)})`);
    log(`ROC AUC ${report.auc.toFixed(5)}`);
    if (report.rank1 !== null) {
      log(
        `rank-1 ${pct(report.rank1)} (${report.rank1Queries} queries against ${report.rank1GalleryIdentities} identities)`,
      );
    }
    log(
      `detection failures ${report.detectionFailures}; ${report.msPerFace?.toFixed(1)} ms per face (detect+align+embed)`,
    );
    if (values.json) console.log(JSON.stringify(report));
    return 0;
  } finally {
    await engine.close();
  }
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
