import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support.js';

describe('API reference wording', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
  });
  afterAll(async () => t?.close());

  it('says "Create an area" (not "Create a area") and "Create a department"', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const spec = res.json<{ paths: Record<string, Record<string, { summary?: string }>> }>();
    expect(spec.paths['/api/areas']?.post?.summary).toBe('Create an area');
    expect(spec.paths['/api/departments']?.post?.summary).toBe('Create a department');
    const summaries = Object.values(spec.paths).flatMap((p) => Object.values(p).map((o) => o.summary ?? ''));
    expect(summaries.filter((s) => /\ba [aeio]/i.test(s))).toEqual([]);
  });
});
