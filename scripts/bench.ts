/**
 * `npm run bench -- <suite> [args]`: runs one benchmark suite and prints its figures.
 * Suites: vision (face engine stages and 1:N matching), api (employee list under load),
 * cameras (N simulated RTSP cameras on one box), attendance (derive a month for N employees),
 * videos (video library processing, × real time), tenants (one organization's searches vs another's list),
 * mobile (1:1 face verify with 10k members, 500-record sync), jobs (outbox delivery by worker processes,
 * builtin vs pg-boss), webcam (browser-camera frames over /api/webcam/ws: round trip, frames/s, CPU per frame),
 * ingest (a hub on PostgreSQL fed by N simulated edges, cameras ramped until the
 * push-to-dashboard p95 passes 2 s).
 */
const suites: Record<string, () => Promise<{ main: (args: string[]) => Promise<void> }>> = {
  vision: () => import('./bench-vision.js'),
  api: () => import('./bench-api.js'),
  cameras: () => import('./bench-cameras.js'),
  dashboard: () => import('./bench-dashboard.js'),
  attendance: () => import('./bench-attendance.js'),
  videos: () => import('./bench-videos.js'),
  tenants: () => import('./bench-tenants.js'),
  mobile: () => import('./bench-mobile.js'),
  jobs: () => import('./bench-jobs.js'),
  webcam: () => import('./bench-webcam.js'),
  ingest: () => import('./bench-ingest.js'),
};

const [suite, ...rest] = process.argv.slice(2);
const load = suite ? suites[suite] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(suites).join('|')}> [args]`);
  process.exit(2);
}
await (await load()).main(rest);

export {};
