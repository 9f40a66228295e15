import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type ImageRef = { identity: string; file: string };
export type LabeledPair = { a: ImageRef; b: ImageRef; same: boolean; fold: number };

/** Identities (folders) and their image files, sorted by name so "first image" is deterministic. */
export async function listIdentities(facesDir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const dirs = (await readdir(facesDir, { withFileTypes: true })).filter((d) => d.isDirectory());
  for (const d of dirs.sort((a, b) => a.name.localeCompare(b.name))) {
    const files = (await readdir(path.join(facesDir, d.name)))
      .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
      .sort();
    if (files.length > 0)
      out.set(
        d.name,
        files.map((f) => path.join(facesDir, d.name, f)),
      );
  }
  return out;
}

/**
 * Parses an LFW pairs file. Header "F<TAB>N": F folds, each N same-person lines then N different-person
 * lines. Image i of Name is faces/Name/Name_000i.jpg.
 */
export async function readLfwPairs(pairsFile: string, facesDir: string): Promise<LabeledPair[]> {
  const lines = (await readFile(pairsFile, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.trim().split(/\s+/).map(Number);
  const perFold = header.length >= 2 ? header[1]! : NaN;
  if (!Number.isFinite(perFold) || perFold <= 0)
    throw new Error(`${pairsFile}: header must be "<folds>\\t<pairs per class>"`);
  const img = (name: string, n: string): ImageRef => ({
    identity: name,
    file: path.join(facesDir, name, `${name}_${n.padStart(4, '0')}.jpg`),
  });
  return lines.slice(1).map((line, i) => {
    const f = line.trim().split(/\s+/);
    const fold = Math.floor(i / (2 * perFold));
    if (f.length === 3) return { a: img(f[0]!, f[1]!), b: img(f[0]!, f[2]!), same: true, fold };
    if (f.length === 4) return { a: img(f[0]!, f[1]!), b: img(f[2]!, f[3]!), same: false, fold };
    throw new Error(`${pairsFile}: line ${i + 2} is neither a same nor a different pair`);
  });
}

/** A small deterministic PRNG (mulberry32) so generated pairs are the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pairs for a folder without a pairs file: identities are split into `folds` groups (round robin by sorted
 * name, so no identity spans folds, as in LFW); per fold, up to `perFold` same pairs (consecutive images of
 * one identity) and as many different pairs (random images of two identities of that fold), seeded.
 */
export function buildPairs(
  identities: Map<string, string[]>,
  opts: { folds?: number; perFold?: number; seed?: number } = {},
): LabeledPair[] {
  const folds = opts.folds ?? 10;
  const perFold = opts.perFold ?? 300;
  const rand = mulberry32(opts.seed ?? 1);
  const names = [...identities.keys()];
  const out: LabeledPair[] = [];
  for (let f = 0; f < folds; f++) {
    const foldNames = names.filter((_, i) => i % folds === f);
    const same: LabeledPair[] = [];
    for (const name of foldNames) {
      const files = identities.get(name)!;
      for (let i = 0; i + 1 < files.length && same.length < perFold; i++) {
        same.push({
          a: { identity: name, file: files[i]! },
          b: { identity: name, file: files[i + 1]! },
          same: true,
          fold: f,
        });
      }
    }
    const diff: LabeledPair[] = [];
    let guard = 0;
    while (diff.length < same.length && foldNames.length > 1 && guard++ < perFold * 100) {
      const n1 = foldNames[Math.floor(rand() * foldNames.length)]!;
      const n2 = foldNames[Math.floor(rand() * foldNames.length)]!;
      if (n1 === n2) continue;
      const f1 = identities.get(n1)!;
      const f2 = identities.get(n2)!;
      diff.push({
        a: { identity: n1, file: f1[Math.floor(rand() * f1.length)]! },
        b: { identity: n2, file: f2[Math.floor(rand() * f2.length)]! },
        same: false,
        fold: f,
      });
    }
    out.push(...same, ...diff);
  }
  return out;
}
