import { describe, expect, it } from 'vitest';
import { assignUniqueIdentities, cosineSimilarity, decideIdentity, trackConsensus } from './recognition.js';

const opts = { threshold: 0.5, margin: 0.05 };
const c = (identityId: string, cosineSimilarity: number) => ({ identityId, cosineSimilarity });

describe('decideIdentity', () => {
  it('matches a clear winner', () => {
    expect(decideIdentity([c('budi', 0.72), c('siti', 0.51)], opts)).toEqual({
      kind: 'match',
      identityId: 'budi',
      cosineSimilarity: 0.72,
      marginToNext: expect.closeTo(0.21, 6) as number,
    });
  });
  it('is unknown below the threshold or with no candidates', () => {
    expect(decideIdentity([c('budi', 0.49)], opts)).toEqual({ kind: 'unknown', best: c('budi', 0.49) });
    expect(decideIdentity([], opts)).toEqual({ kind: 'unknown', best: null });
  });
  it('matches exactly at the threshold', () => {
    expect(decideIdentity([c('budi', 0.5)], opts).kind).toBe('match');
  });
  it('is ambiguous when two identities are within the margin', () => {
    expect(decideIdentity([c('budi', 0.7), c('siti', 0.68)], opts)).toEqual({
      kind: 'ambiguous',
      candidates: [c('budi', 0.7), c('siti', 0.68)],
    });
  });
  it('a weak runner-up below the threshold does not make it ambiguous', () => {
    expect(decideIdentity([c('budi', 0.52), c('siti', 0.49)], opts).kind).toBe('match');
  });
  it('several embeddings of one person are not ambiguous, and input order is not trusted', () => {
    expect(decideIdentity([c('siti', 0.3), c('budi', 0.7), c('budi', 0.69)], opts)).toMatchObject({
      kind: 'match',
      identityId: 'budi',
      marginToNext: expect.closeTo(0.4, 6) as number,
    });
  });
});

describe('trackConsensus', () => {
  const o = (identityId: string | null, cosineSimilarity: number, quality = 1) => ({
    identityId,
    cosineSimilarity,
    quality,
  });
  const rule = { minObservations: 3, minAgreementRatio: 0.6 };

  it('waits for enough observations', () => {
    expect(trackConsensus([o('budi', 0.8), o('budi', 0.8)], rule)).toEqual({
      kind: 'pending',
      observations: 2,
    });
  });
  it('votes by quality-weighted similarity', () => {
    const r = trackConsensus([o('budi', 0.8, 1), o('budi', 0.7, 0.9), o('siti', 0.6, 0.2)], rule);
    expect(r).toMatchObject({ kind: 'match', identityId: 'budi', votes: 2, observations: 3 });
  });
  it('a high-quality minority can outweigh blurry majority frames', () => {
    const r = trackConsensus([o('siti', 0.55, 0.1), o('siti', 0.55, 0.1), o('budi', 0.8, 1)], rule);
    expect(r).toMatchObject({ kind: 'match', identityId: 'budi' });
  });
  it('unknown frames count against agreement', () => {
    const r = trackConsensus([o('budi', 0.6), o(null, 0.6), o(null, 0.6)], rule);
    expect(r).toMatchObject({ kind: 'unknown', leaderId: 'budi' });
  });
  it('ignores frames under minQuality', () => {
    const r = trackConsensus([o('budi', 0.8), o('budi', 0.8), o('siti', 0.9, 0.05)], {
      ...rule,
      minQuality: 0.1,
    });
    expect(r).toEqual({ kind: 'pending', observations: 2 });
  });
  it('is unknown when nothing carries weight', () => {
    expect(trackConsensus([o(null, 0), o(null, 0), o(null, 0)], rule)).toEqual({
      kind: 'unknown',
      agreementRatio: 0,
      leaderId: null,
      observations: 3,
    });
  });
});

describe('assignUniqueIdentities', () => {
  it('never gives one employee to two faces; the loser takes its second choice', () => {
    const r = assignUniqueIdentities(
      [
        { trackId: 't1', candidates: [c('budi', 0.7), c('siti', 0.6)] },
        { trackId: 't2', candidates: [c('budi', 0.8)] },
      ],
      { threshold: 0.5 },
    );
    expect(r).toEqual([
      { trackId: 't1', identityId: 'siti', cosineSimilarity: 0.6, displaced: true },
      { trackId: 't2', identityId: 'budi', cosineSimilarity: 0.8, displaced: false },
    ]);
  });
  it('the loser is unknown when no other choice passes the threshold', () => {
    const r = assignUniqueIdentities(
      [
        { trackId: 't1', candidates: [c('budi', 0.9), c('siti', 0.4)] },
        { trackId: 't2', candidates: [c('budi', 0.6)] },
        { trackId: 't3', candidates: [c('rina', 0.3)] },
      ],
      { threshold: 0.5 },
    );
    expect(r.map((a) => [a.trackId, a.identityId, a.displaced])).toEqual([
      ['t1', 'budi', false],
      ['t2', null, true],
      ['t3', null, false],
    ]);
  });
  it('breaks exact ties deterministically by track id', () => {
    const r = assignUniqueIdentities(
      [
        { trackId: 'b', candidates: [c('budi', 0.7)] },
        { trackId: 'a', candidates: [c('budi', 0.7)] },
      ],
      { threshold: 0.5 },
    );
    expect(r.map((a) => a.identityId)).toEqual([null, 'budi']);
  });
});

describe('cosineSimilarity', () => {
  it('is 1 for parallel, 0 for orthogonal, -1 for opposite, 0 for a zero vector', () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1);
    expect(cosineSimilarity(new Float32Array([1, 0]), new Float32Array([0, 3]))).toBe(0);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBeCloseTo(-1);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });
  it('rejects mismatched lengths', () => {
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(RangeError);
  });
});
