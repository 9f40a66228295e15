import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FaceEngine } from '../engine/face-engine.js';
import { decodeImage } from '../image/decode.js';
import type { FaceBox } from '../types.js';

/** One annotated face: a point that lies inside it (a nose point, or the centre of an annotated box). */
export type GroupTruth = { file: string; points: [number, number][] };

export type GroupImageResult = { file: string; faces: number; found: number; falseDetections: number };

export type GroupDetectionReport = {
  images: number;
  facesAnnotated: number;
  facesFound: number;
  falseDetections: number;
  msPerImage: number | null;
  perImage: GroupImageResult[];
};

/**
 * The annotations of shared/data/groups: face_counts.csv (nose points, CompreFace samples) and
 * training.xml (face boxes, dlib's PASCAL VOC samples). The bbt photos have no per-face labels.
 */
export async function readGroupTruth(groupsDir: string): Promise<GroupTruth[]> {
  const out: GroupTruth[] = [];
  const csv = path.join(groupsDir, 'face_counts.csv');
  if (existsSync(csv)) {
    for (const line of (await readFile(csv, 'utf8')).split(/\r?\n/).slice(1)) {
      const m = /^([^,]+),(\d+),"([^"]*)"/.exec(line.trim());
      if (!m) continue;
      const points = m[3]!
        .split(';')
        .map((p) => p.trim().split(/\s+/).map(Number))
        .filter((p) => p.length === 2 && p.every(Number.isFinite)) as [number, number][];
      out.push({ file: m[1]!, points });
    }
  }
  const xml = path.join(groupsDir, 'training.xml');
  if (existsSync(xml)) {
    const text = await readFile(xml, 'latin1');
    for (const img of text.matchAll(/<image file='([^']+)'[^>]*>([\s\S]*?)<\/image>/g)) {
      const points: [number, number][] = [];
      for (const b of img[2]!.matchAll(/top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'/g)) {
        const [top, left, w, h] = [b[1], b[2], b[3], b[4]].map(Number) as [number, number, number, number];
        points.push([left + w / 2, top + h / 2]);
      }
      out.push({ file: img[1]!, points });
    }
  }
  return out;
}

function contains(b: FaceBox, [x, y]: [number, number]): boolean {
  return x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height;
}

/** Detection rate on the annotated group photos: each annotated face is found by at most one box. */
export async function runGroupDetection(opts: {
  engine: FaceEngine;
  groupsDir: string;
  now?: () => number;
}): Promise<GroupDetectionReport> {
  const truth = await readGroupTruth(opts.groupsDir);
  const perImage: GroupImageResult[] = [];
  let ms = 0;
  for (const t of truth) {
    const frame = await decodeImage(await readFile(path.join(opts.groupsDir, t.file)));
    const t0 = opts.now?.() ?? 0;
    const dets = await opts.engine.detect(frame);
    ms += (opts.now?.() ?? 0) - t0;
    const used = new Set<number>();
    let found = 0;
    for (const p of t.points) {
      // The smallest unused box holding the point, so a large false box does not take a small face.
      let best = -1;
      dets.forEach((d, i) => {
        if (used.has(i) || !contains(d.box, p)) return;
        if (best < 0 || d.box.width < dets[best]!.box.width) best = i;
      });
      if (best >= 0) {
        used.add(best);
        found++;
      }
    }
    perImage.push({ file: t.file, faces: t.points.length, found, falseDetections: dets.length - used.size });
  }
  return {
    images: perImage.length,
    facesAnnotated: perImage.reduce((s, r) => s + r.faces, 0),
    facesFound: perImage.reduce((s, r) => s + r.found, 0),
    falseDetections: perImage.reduce((s, r) => s + r.falseDetections, 0),
    msPerImage: opts.now ? ms / Math.max(1, perImage.length) : null,
    perImage,
  };
}
