// Issue 14 #3: the enrolment quality gate on real faces. CCTV faces the live path recognizes are
// accepted; truly bad faces are refused with the reason; a group photo offers its faces to choose from.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  enrolFromImages,
  iou,
  loadFaceEngine,
  type FaceEngine,
  type RgbFrame,
} from '../src/index.js';
import { blurFrame, cropWithMargin, darkenFrame, shrinkFrame } from '../src/eval/degrade.js';
import { dataDir, hasData, hasMobileFaceNet, hasModels, modelsDir } from './fixtures.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const ready = hasModels && hasMobileFaceNet && hasData && hasFfmpeg;
const load = async (...parts: string[]) => decodeImage(await readFile(path.join(dataDir, ...parts)));

/** One frame of a real camera clip, decoded by ffmpeg. */
async function videoFrame(file: string, atS: number): Promise<RgbFrame> {
  const out = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-ss', String(atS), '-i', path.join(dataDir, 'videos', file), '-frames:v', '1'].concat([
      '-f',
      'image2pipe',
      '-c:v',
      'png',
      'pipe:1',
    ]),
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return decodeImage(out.stdout);
}

describe.skipIf(!ready)('enrolment quality gate on real faces', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = await loadFaceEngine({ modelsDir, pack: 'mobilefacenet' });
  });
  afterAll(async () => engine?.close());

  it('accepts faces cropped from CCTV footage (40–55 px, soft) with a score below a sharp photo', async () => {
    const frame = await videoFrame('face-demographics-walking-and-pause.gif', 1);
    const faces = (await engine.detect(frame)).filter((f) => f.quality.sizePx >= 32);
    expect(faces.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...faces.map((f) => f.quality.sizePx))).toBeLessThan(48);
    const results = await enrolFromImages(
      engine,
      faces.map((f) => cropWithMargin(frame, f)),
    );
    for (const r of results) expect(r, r.ok ? '' : r.message).toMatchObject({ ok: true });
    const [sharp] = await enrolFromImages(engine, [await load('known_people', 'sheldon', 'sheldon1.png')]);
    const cctvScores = results.map((r) => r.quality!.score);
    // A score that means something: CCTV faces land in the middle, a sharp 120 px face near the top.
    for (const s of cctvScores) expect(s).toBeGreaterThan(0.5);
    for (const s of cctvScores) expect(s).toBeLessThan(sharp!.quality!.score);
    expect(sharp!.quality!.score).toBeGreaterThan(0.85);
  }, 60_000);

  it('refuses truly bad faces with the reason: blurred, tiny, dark', async () => {
    const photo = await load('faces', 'Colin_Powell', 'Colin_Powell_0001.jpg');
    const [clear, blurred, tiny, dark] = await enrolFromImages(engine, [
      photo,
      blurFrame(photo, 4),
      shrinkFrame(photo, 0.18),
      darkenFrame(photo, 0.08),
    ]);
    expect(clear).toMatchObject({ ok: true });
    expect(blurred).toMatchObject({ ok: false, code: 'poor_quality', factor: 'blur' });
    expect(tiny).toMatchObject({ ok: false, code: 'face_too_small', factor: 'size' });
    expect(dark).toMatchObject({ ok: false, code: 'poor_quality', factor: 'brightness' });
    expect(dark!.ok ? '' : dark!.message).toMatch(/dark/);
  }, 60_000);

  it('offers the faces of a group photo, and enrols the one chosen', async () => {
    const group = await load('groups', 'bbt4.jpg');
    const [offer] = await enrolFromImages(engine, [group]);
    if (!offer || offer.ok) throw new Error('a group photo must not be enrolled without a choice');
    expect(offer.code).toBe('several_faces');
    expect(offer.imageSize).toEqual({ width: group.width, height: group.height });
    const faces = offer.faces!;
    expect(faces.length).toBeGreaterThanOrEqual(3);
    // Left to right, each with a box inside the photo and its quality.
    for (let i = 1; i < faces.length; i++) expect(faces[i]!.box.x).toBeGreaterThan(faces[i - 1]!.box.x);
    for (const f of faces) {
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(group.width + 1);
      expect(f.quality.score).toBeGreaterThan(0);
    }
    const chosen = faces.find((f) => f.rejectedFor === null)!;
    const [enrolled] = await enrolFromImages(engine, [group], { faceBox: chosen.box });
    if (!enrolled?.ok) throw new Error(`the chosen face was refused: ${enrolled?.message}`);
    expect(iou(enrolled.box, chosen.box)).toBeGreaterThan(0.9);
    // The embedding is that face's, not another's.
    const [direct] = await engine.embed(group, [
      (await engine.detect(group)).find((f) => iou(f.box, chosen.box) > 0.9)!,
    ]);
    expect(Array.from(enrolled.embeddings[0]!)).toEqual(Array.from(direct!));
    // A place with no face is refused, not silently replaced by another face.
    const [nowhere] = await enrolFromImages(engine, [group], {
      faceBox: { x: 0, y: 0, width: 10, height: 10 },
    });
    expect(nowhere).toMatchObject({ ok: false, code: 'no_face' });
  }, 60_000);
});
