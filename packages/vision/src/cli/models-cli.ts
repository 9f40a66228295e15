/*
 * npm run models -- list | verify [PACK] | pull PACK [--url URL] [--from-file ZIP]
 * Models directory: --models DIR, else HADIR_MODELS_DIR, else ./models.
 */
import { parseArgs } from 'node:util';
import { ModelError } from '../errors.js';
import { defaultModelsDir } from '../packs/models-dir.js';
import { pullPack } from '../packs/pull.js';
import { findPack, listPacks, packStatus, selectBestPack, sha256File } from '../packs/registry.js';
import { PERSON_DETECTOR_MANIFESTS, personDetectorStatus } from '../person/person-packs.js';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

const USAGE =
  'usage: npm run models -- list | verify [PACK] | pull PACK [--url URL] [--from-file ZIP] [--models DIR]';

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { models: { type: 'string' }, url: { type: 'string' }, 'from-file': { type: 'string' } },
  });
  const [command, packName] = positionals;
  const modelsDir = values.models ?? defaultModelsDir();
  switch (command) {
    case 'list': {
      const packs = await listPacks(modelsDir);
      console.log(`models directory: ${modelsDir}`);
      console.log('| pack | installed | detector + recognizer | dim | threshold | commercial use | status |');
      console.log('|---|---|---|---|---|---|---|');
      for (const p of packs) {
        const m = p.manifest;
        console.log(
          `| ${p.name}${p.source === 'user' ? ' (user)' : ''} | ${p.available ? 'yes' : 'no'} | ${m.detector.name} + ${m.recognizer.name} | ${m.embeddingSize} | ${m.defaultThreshold} | ${m.license.commercialUse ? 'yes' : 'no'} | ${p.reason} |`,
        );
      }
      const best = await selectBestPack(modelsDir);
      console.log(`\n${best.reason}`);
      console.log('\n| person detector | installed | file | commercial use | default |');
      console.log('|---|---|---|---|---|');
      for (const d of await personDetectorStatus(modelsDir)) {
        const m = d.manifest;
        console.log(
          `| ${m.name} | ${d.available ? 'yes' : 'no'} | ${m.file.path} (${d.file.state}) | ${m.license.commercialUse ? 'yes' : 'no'} | ${m.isDefault ? 'yes' : ''} |`,
        );
      }
      return 0;
    }
    case 'verify': {
      const persons = await personDetectorStatus(modelsDir, packName);
      if (packName && persons.length > 0) {
        const d = persons[0]!;
        console.log(
          `${d.manifest.name}: ${d.manifest.file.path} ${d.file.state}${d.file.foundAt ? ` (${d.file.foundAt})` : ''}`,
        );
        return d.available ? 0 : 1;
      }
      const packs = packName
        ? [await packStatus(modelsDir, await findPack(modelsDir, packName), 'builtin')]
        : await listPacks(modelsDir);
      let bad = 0;
      for (const p of packs) {
        for (const f of p.files) {
          const line = `${p.name}: ${f.path} ${f.state}${f.foundAt ? ` (${f.foundAt})` : ''}`;
          console.log(line);
          if (f.state === 'checksum_mismatch') bad++;
        }
        if (packName && !p.available) bad++;
      }
      for (const d of persons) {
        console.log(
          `${d.manifest.name}: ${d.manifest.file.path} ${d.file.state}${d.file.foundAt ? ` (${d.file.foundAt})` : ''}`,
        );
        if (d.file.state === 'checksum_mismatch') bad++;
      }
      return bad > 0 ? 1 : 0;
    }
    case 'pull': {
      if (!packName) {
        console.error(USAGE);
        return 2;
      }
      const person = PERSON_DETECTOR_MANIFESTS.find((m) => m.name === packName);
      if (person) {
        // No official single-file download: install a copy given with --from-file, checked by sha256.
        const from = values['from-file'];
        if (!from) {
          console.error(
            `${packName} has no download URL; use --from-file path/to/${path.basename(person.file.path)}`,
          );
          return 2;
        }
        const actual = await sha256File(from);
        if (actual !== person.file.sha256) {
          console.error(`${from}: sha256 ${actual} is not the expected ${person.file.sha256}`);
          return 1;
        }
        const dest = path.join(modelsDir, person.file.path);
        await mkdir(path.dirname(dest), { recursive: true });
        await copyFile(from, dest);
        console.log(`person detector ${packName} installed at ${dest}`);
        return 0;
      }
      const manifest = await findPack(modelsDir, packName);
      await pullPack(manifest, {
        modelsDir,
        ...(values.url ? { url: values.url } : {}),
        ...(values['from-file'] ? { fromFile: values['from-file'] } : {}),
        log: (l) => console.log(l),
      });
      console.log(`pack ${packName} installed in ${modelsDir}`);
      return 0;
    }
    case undefined:
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof ModelError ? `error (${err.code}): ${err.message}` : err);
    process.exitCode = 1;
  },
);
