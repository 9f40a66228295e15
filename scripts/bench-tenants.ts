/*
 * npm run bench -- tenants [--employees 100000] [--read-workers 1,0,2]
 *
 * One tenant's searches against another tenant's list (security issue 9, item 11): organization A holds
 * N employees and sends 10 concurrent searches while organization B lists its employees 5 times in a row,
 * on SQLite and (when reachable at TEST_DATABASE_URL) PostgreSQL: a common term that every employee
 * matches (no index helps: a scan), then a rare term with the search index (SQLite: FTS5 trigram table of
 * migration 0091; PostgreSQL: pg_trgm GIN indexes of 0039) and again without it (the "before"). SQLite
 * runs once per read-worker count (0: every query on the main connection, the "before" of the read
 * workers); PostgreSQL only with the first. It runs apps/server/test/search-indexes.test.ts at the
 * issue's size (the test itself uses 20,000 to stay quick) and prints its figures: see docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      employees: { type: 'string', default: '100000' },
      'read-workers': { type: 'string', default: '1,0,2' },
    },
  });
  const server = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'server');
  for (const [i, workers] of values['read-workers'].split(',').entries()) {
    const run = spawnSync('npx', ['vitest', 'run', 'test/search-indexes.test.ts', '--silent=false'], {
      cwd: server,
      env: {
        ...process.env,
        HADIR_BENCH_EMPLOYEES: values.employees,
        HADIR_BENCH_READ_WORKERS: workers.trim(),
        ...(i > 0 ? { HADIR_BENCH_SQLITE_ONLY: '1' } : {}),
      },
      encoding: 'utf8',
      timeout: 30 * 60_000,
    });
    const out = `${run.stdout}\n${run.stderr}`;
    const lines = out.split('\n').filter((l) => l.includes('[search '));
    for (const l of lines) console.log(l.trim());
    if (run.status !== 0 || lines.length === 0) {
      console.error(out.slice(-4000));
      process.exitCode = 1;
    }
  }
  await Promise.resolve();
}
