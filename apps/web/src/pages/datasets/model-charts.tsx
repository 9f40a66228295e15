import { useTranslation } from 'react-i18next';
import type { DatasetModel } from '@hadir/contracts';
import { cx } from '@hadir/ui';

type Point = DatasetModel['progress'][number];
type Metrics = NonNullable<DatasetModel['metrics']>;

const W = 320;
const H = 120;
const PAD = { l: 34, r: 8, t: 8, b: 20 };

/** A small line chart (SVG, no library): one series against the epoch, with its last value. */
export function CurveChart({
  points,
  pick,
  title,
  color,
  fixedMax,
  testId,
}: {
  points: Point[];
  pick: (p: Point) => number;
  title: string;
  color: string;
  fixedMax?: number;
  testId?: string;
}) {
  const ys = points.map(pick).filter((v) => Number.isFinite(v));
  const maxX = Math.max(1, ...points.map((p) => p.epoch));
  const maxY = fixedMax ?? Math.max(1e-6, ...ys);
  const x = (e: number) => PAD.l + ((W - PAD.l - PAD.r) * e) / maxX;
  const y = (v: number) => H - PAD.b - ((H - PAD.t - PAD.b) * Math.min(v, maxY)) / maxY;
  const d = points
    .filter((p) => Number.isFinite(pick(p)))
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.epoch).toFixed(1)},${y(pick(p)).toFixed(1)}`)
    .join(' ');
  const last = ys.at(-1);
  return (
    <figure className="min-w-0" data-testid={testId} data-points={points.length}>
      <figcaption className="mb-1 flex justify-between text-xs text-muted">
        <span>{title}</span>
        <span className="tabular-nums text-fg">{last === undefined ? '–' : last.toFixed(3)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={title}>
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke="var(--border)" />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} stroke="var(--border)" />
        <text x={PAD.l - 4} y={PAD.t + 8} textAnchor="end" fontSize="9" fill="var(--muted)">
          {maxY.toFixed(maxY < 10 ? 2 : 0)}
        </text>
        <text x={PAD.l - 4} y={H - PAD.b} textAnchor="end" fontSize="9" fill="var(--muted)">
          0
        </text>
        <text x={W - PAD.r} y={H - 6} textAnchor="end" fontSize="9" fill="var(--muted)">
          {maxX}
        </text>
        {d ? <path d={d} fill="none" stroke={color} strokeWidth="2" strokeLinejoin="round" /> : null}
      </svg>
    </figure>
  );
}

export function LossAndAccuracy({ points }: { points: Point[] }) {
  const { t } = useTranslation();
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <CurveChart
        points={points}
        pick={(p) => p.loss}
        title={t('ds.models.loss')}
        color="var(--primary)"
        testId="curve-loss"
      />
      <CurveChart
        points={points}
        pick={(p) => p.valAccuracy}
        title={t('ds.models.valAccuracy')}
        color="var(--accent)"
        fixedMax={1}
        testId="curve-acc"
      />
    </div>
  );
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Held-out metrics: accuracy, open-set rejection at the chosen FAR, per-class table, confusion matrix. */
export function MetricsView({
  metrics,
  threshold,
  classes,
}: {
  metrics: Metrics;
  threshold: number | null;
  classes: DatasetModel['classes'];
}) {
  const { t } = useTranslation();
  const names = new Map(classes.map((c) => [c.code, c.name]));
  const codes = metrics.perClass.map((c) => c.code);
  const maxCell = Math.max(1, ...metrics.confusion.flat());
  return (
    <div className="space-y-4" data-testid="model-metrics">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {[
          [t('ds.models.accuracy'), pct(metrics.accuracy), 'metric-accuracy'],
          [t('ds.models.threshold'), (threshold ?? metrics.openSet.threshold).toFixed(3), 'metric-threshold'],
          [
            t('ds.models.far', { target: pct(metrics.openSet.targetFar) }),
            pct(metrics.openSet.far),
            'metric-far',
          ],
          [t('ds.models.tar'), pct(metrics.openSet.tar), 'metric-tar'],
        ].map(([k, v, id]) => (
          <div key={id} className="rounded-lg bg-surface-2 p-3">
            <dt className="text-xs text-muted">{k}</dt>
            <dd className="text-lg font-semibold tabular-nums text-fg" data-testid={id}>
              {v}
            </dd>
          </div>
        ))}
      </dl>
      <p className="text-xs text-muted">
        {t('ds.models.openSetNote', {
          samples: metrics.samples,
          unknown: metrics.openSet.unknownSamples,
          rejection: pct(metrics.openSet.rejection),
        })}
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-muted">
              <th className="py-1 font-medium">{t('ds.versions.class')}</th>
              <th className="py-1 text-right font-medium">{t('ds.models.precision')}</th>
              <th className="py-1 text-right font-medium">{t('ds.models.recall')}</th>
              <th className="py-1 text-right font-medium">{t('ds.models.support')}</th>
            </tr>
          </thead>
          <tbody>
            {metrics.perClass.map((c) => (
              <tr key={c.code} className="border-t border-border">
                <td className="py-1 text-fg">
                  {names.get(c.code) ? `${c.code} · ${names.get(c.code)}` : c.code}
                </td>
                <td className="py-1 text-right tabular-nums">{pct(c.precision)}</td>
                <td className="py-1 text-right tabular-nums">{pct(c.recall)}</td>
                <td className="py-1 text-right tabular-nums">{c.support}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="overflow-x-auto">
        <p className="mb-1 text-xs text-muted">{t('ds.models.confusion')}</p>
        <table className="text-xs" data-testid="confusion">
          <thead>
            <tr>
              <th />
              {codes.map((c) => (
                <th key={c} className="px-1 py-1 font-medium text-muted">
                  {c.replace('PERSON-', '')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {metrics.confusion.map((row, i) => (
              <tr key={i}>
                <th className="pr-2 text-right font-medium text-muted">{codes[i]?.replace('PERSON-', '')}</th>
                {row.map((n, j) => (
                  <td
                    key={j}
                    className={cx('h-7 w-9 text-center tabular-nums', n > 0 ? 'text-fg' : 'text-muted')}
                    style={{
                      background:
                        n > 0
                          ? `color-mix(in srgb, ${i === j ? 'var(--accent)' : 'var(--danger)'} ${Math.round(15 + (60 * n) / maxCell)}%, transparent)`
                          : undefined,
                    }}
                  >
                    {n}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
