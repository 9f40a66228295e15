import { describe, expect, it } from 'vitest';
import { Gallery, TopK, cosineSimilarity } from '../src/index.js';

const unit = (...v: number[]) => Float32Array.from(v);

describe('Gallery', () => {
  it('finds the top-k identities by their best embedding', () => {
    const g = new Gallery({ dimension: 3, initialCapacity: 1 });
    g.add('alice', unit(1, 0, 0));
    g.add('alice', unit(0.8, 0.6, 0));
    g.add('bob', unit(0, 1, 0));
    g.add('carol', unit(0, 0, 1));
    expect(g.size).toBe(4);
    expect(g.identityCount).toBe(3);
    const hits = g.search(unit(0.6, 0.8, 0), 2);
    expect(hits.map((h) => h.identityId)).toEqual(['alice', 'bob']);
    expect(hits[0]!.cosineSimilarity).toBeCloseTo(0.96, 5); // best alice row is (0.8, 0.6)
    expect(hits[1]!.cosineSimilarity).toBeCloseTo(0.8, 5);
  });

  it('normalises inputs, so cosine similarity is scale-free', () => {
    const g = new Gallery({ dimension: 2 });
    g.add('a', unit(10, 0));
    expect(g.search(unit(3, 3), 1)[0]!.cosineSimilarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(cosineSimilarity(unit(3, 3), unit(10, 0))).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('applies threshold and margin against the second-best identity', () => {
    const g = new Gallery({ dimension: 2 });
    g.add('a', unit(1, 0));
    g.add('b', unit(Math.cos(0.1), Math.sin(0.1)));
    // Query at angle 0: a = 1.0, b = cos 0.1 ≈ 0.995 → ambiguous with margin 0.05.
    const ambiguous = g.match(unit(1, 0), { threshold: 0.5, margin: 0.05 });
    expect(ambiguous.identityId).toBeNull();
    expect(ambiguous).toMatchObject({ reason: 'ambiguous' });
    expect(ambiguous.secondBest?.identityId).toBe('b');
    // Same query, margin 0.001 → a wins.
    const ok = g.match(unit(1, 0), { threshold: 0.5, margin: 0.001 });
    expect(ok.identityId).toBe('a');
    expect(ok.cosineSimilarity).toBeCloseTo(1, 6);
    // Below threshold.
    expect(g.match(unit(0, 1), { threshold: 0.5 })).toMatchObject({
      identityId: null,
      reason: 'below_threshold',
    });
    expect(new Gallery({ dimension: 2 }).match(unit(1, 0), { threshold: 0.5 })).toMatchObject({
      reason: 'empty',
    });
  });

  it('removes identities and keeps the rest intact; grows past its capacity', () => {
    const g = new Gallery({ dimension: 4, initialCapacity: 16 });
    for (let i = 0; i < 100; i++) {
      const v = new Float32Array(4);
      v[i % 4] = 1;
      v[(i + 1) % 4] = i / 100;
      g.add(`id${i % 10}`, v);
    }
    expect(g.size).toBe(100);
    expect(g.removeIdentity('id3')).toBe(10);
    expect(g.removeIdentity('id3')).toBe(0);
    expect(g.size).toBe(90);
    expect(g.identityCount).toBe(9);
    const out = g.searchInto(unit(0, 0, 0, 1), new TopK(20));
    expect(out.count).toBe(9);
    const ids = Array.from(out.identityIndex.slice(0, out.count), (i) => g.identityIdAt(i));
    expect(ids).not.toContain('id3');
    // Re-adding after removal reuses the slot and is found.
    g.add('zed', unit(0, 0, 0, 1));
    expect(g.search(unit(0, 0, 0, 1), 1)[0]).toMatchObject({ identityId: 'zed' });
  });

  it('rejects embeddings of the wrong size or zero length', () => {
    const g = new Gallery({ dimension: 3 });
    expect(() => g.add('x', unit(1, 0))).toThrow(RangeError);
    expect(() => g.add('x', unit(0, 0, 0))).toThrow(RangeError);
  });
});

/** Deterministic pseudo-random unit vectors (LCG), so failures reproduce. */
function randomVectors(count: number, dim: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: dim }, next));
}

/** A noisy copy of `v`: a "second photo" of the same person at the given cosine similarity (roughly). */
function perturb(v: Float32Array, noise: Float32Array, amount: number): Float32Array {
  let nv = 0;
  let nn = 0;
  for (let i = 0; i < v.length; i++) {
    nv += v[i]! * v[i]!;
    nn += noise[i]! * noise[i]!;
  }
  const a = 1 / Math.sqrt(nv);
  const b = amount / Math.sqrt(nn);
  return Float32Array.from(v, (x, i) => x * a + noise[i]! * b);
}

describe('Gallery int8 prefilter + exact rescoring', () => {
  for (const dim of [128, 512]) {
    it(`returns exactly what the exact scan returns (${dim}-d, 12k rows, several samples per person)`, () => {
      const rows = 12_000;
      const fast = new Gallery({ dimension: dim, initialCapacity: 64 });
      const exact = new Gallery({ dimension: dim, strategy: 'exact' });
      const base = randomVectors(rows / 3, dim, dim);
      const noise = randomVectors(rows, dim, dim + 1);
      // Three samples per identity; near-duplicate look-alikes every 50 identities stress the margin.
      for (let i = 0; i < base.length; i++) {
        const look = i % 50 === 1 ? base[i - 1]! : base[i]!;
        for (let j = 0; j < 3; j++) {
          const e = perturb(look, noise[i * 3 + j]!, 0.6);
          fast.add(`p${i}`, e);
          exact.add(`p${i}`, e);
        }
      }
      const queries = [
        ...randomVectors(40, dim, 99), // strangers
        ...Array.from({ length: 80 }, (_, i) =>
          perturb(base[i * 37]!, randomVectors(1, dim, 500 + i)[0]!, 0.7),
        ),
      ];
      const paths = new Set<string>();
      for (const q of queries) {
        const a = fast.searchInto(q, new TopK(2));
        paths.add(fast.lastSearch.path);
        const b = exact.searchInto(q, new TopK(2));
        expect(a.count).toBe(b.count);
        for (let k = 0; k < b.count; k++) {
          expect(fast.identityIdAt(a.identityIndex[k]!)).toBe(exact.identityIdAt(b.identityIndex[k]!));
          expect(a.cosineSimilarity[k]).toBe(b.cosineSimilarity[k]);
        }
        const opts = { threshold: 0.5, margin: 0.05 };
        expect(fast.match(q, opts)).toEqual(exact.match(q, opts));
      }
      // The native path really ran (it must load on the platforms the project supports).
      expect(paths.has('int8-certified')).toBe(true);
    });
  }

  it('keeps the prefilter consistent after removals and growth', () => {
    const dim = 128;
    const g = new Gallery({ dimension: dim, initialCapacity: 16 });
    const exact = new Gallery({ dimension: dim, strategy: 'exact' });
    const vs = randomVectors(5000, dim, 3);
    vs.forEach((v, i) => {
      g.add(`p${i % 2500}`, v);
      exact.add(`p${i % 2500}`, v);
    });
    for (let i = 0; i < 2500; i += 7) {
      g.removeIdentity(`p${i}`);
      exact.removeIdentity(`p${i}`);
    }
    for (let i = 1; i < 5000; i += 97) {
      const q = perturb(vs[i]!, vs[(i * 13) % 5000]!, 0.3);
      expect(g.search(q, 2)).toEqual(exact.search(q, 2));
    }
  });
});
