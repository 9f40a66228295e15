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
