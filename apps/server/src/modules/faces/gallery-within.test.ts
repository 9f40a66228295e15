import { describe, expect, it } from 'vitest';
import { decideIdentity } from '@hadir/domain';
import { Gallery } from '@hadir/vision';
import { OrgGallery } from './gallery.service.js';

/** A seeded generator, so a failure repeats. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('OrgGallery.matchWithin (a site’s members only)', () => {
  const DIM = 16;
  const random = rng(7);
  const vec = () => unit(Array.from({ length: DIM }, () => random() - 0.5));
  const people = Array.from({ length: 120 }, (_, i) => ({ id: `p${i}`, e: vec() }));
  const gallery = new Gallery({ dimension: DIM, strategy: 'exact' });
  for (const p of people) gallery.add(p.id, p.e);
  const org = new OrgGallery('org', 'pack', gallery, 0.5, 0.05);
  const members = new Set(people.filter((_, i) => i % 3 === 0).map((p) => p.id));
  const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

  it('finds the site’s member even when someone outside the site is closer', () => {
    const member = people[3]!;
    const outsider = people[4]!;
    // Nearer the outsider than the member, yet above the threshold for the member.
    const q = unit(member.e.map((x, i) => 0.8 * x + 1.0 * outsider.e[i]!));
    expect(cos(q, outsider.e)).toBeGreaterThan(cos(q, member.e));
    expect(org.match(q).employeeId).not.toBe(member.id);
    expect(org.matchWithin(q, members)).toMatchObject({ employeeId: member.id });
  });

  it('decides exactly as a full scan of the members would, whatever the window', () => {
    for (let n = 0; n < 300; n++) {
      const base = people[Math.floor(random() * people.length)]!.e;
      const mix = random();
      const q = unit(base.map((x) => x * mix + (random() - 0.5) * (1 - mix)));
      const scanned = people
        .filter((p) => members.has(p.id))
        .map((p) => ({ identityId: p.id, cosineSimilarity: cos(q, p.e) }))
        .sort((a, b) => b.cosineSimilarity - a.cosineSimilarity);
      const want = decideIdentity(scanned.slice(0, 2), { threshold: 0.5, margin: 0.05 });
      const got = org.matchWithin(q, members);
      expect(got.employeeId).toBe(want.kind === 'match' ? want.identityId : null);
      if (want.kind === 'ambiguous') expect(got).toMatchObject({ reason: 'ambiguous' });
    }
  });

  it('answers nobody for an empty site', () => {
    expect(org.matchWithin(people[0]!.e, new Set())).toMatchObject({ employeeId: null, reason: 'empty' });
  });
});
