import { useTranslation } from 'react-i18next';
import type { DatasetModel } from '@hadir/contracts';
import { Button, Card } from '@hadir/ui';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

/** Two ready models side by side: the headline metrics, then recall per class over both. */
export function CompareModels({ a, b, onClose }: { a: DatasetModel; b: DatasetModel; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: [string, (m: DatasetModel) => string][] = [
    [t('ds.train.method'), (m) => t(`ds.method.${m.method}`)],
    [t('ds.models.dataset'), (m) => m.datasetHash.slice(0, 12)],
    [t('ds.models.accuracy'), (m) => pct(m.metrics?.accuracy)],
    [t('ds.models.threshold'), (m) => (m.threshold ?? m.metrics?.openSet.threshold ?? 0).toFixed(3)],
    [t('ds.models.farShort'), (m) => pct(m.metrics?.openSet.far)],
    [t('ds.models.tar'), (m) => pct(m.metrics?.openSet.tar)],
    [t('ds.models.classes'), (m) => String(m.classes.length)],
    [t('ds.train.epochs'), (m) => String(m.params.epochs)],
  ];
  const codes = [...new Set([...a.classes, ...b.classes].map((c) => c.code))].sort();
  const recall = (m: DatasetModel, code: string) => m.metrics?.perClass.find((c) => c.code === code)?.recall;
  return (
    <Card className="mb-5 p-4 sm:p-5" data-testid="model-compare">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 className="text-base font-semibold text-fg">{t('ds.models.compareTitle')}</h2>
        <Button size="sm" onClick={onClose}>
          {t('common.close')}
        </Button>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs text-muted">
              <th className="py-1 font-medium" />
              <th className="py-1 text-right font-medium">{t('ds.models.number', { number: a.number })}</th>
              <th className="py-1 text-right font-medium">{t('ds.models.number', { number: b.number })}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, f], i) => (
              <tr key={i} className="border-t border-border">
                <th className="py-1 text-left font-medium text-muted">{label}</th>
                <td className="py-1 text-right tabular-nums text-fg">{f(a)}</td>
                <td className="py-1 text-right tabular-nums text-fg">{f(b)}</td>
              </tr>
            ))}
            {codes.map((code) => (
              <tr key={code} className="border-t border-border">
                <th className="py-1 text-left font-medium text-muted">{t('ds.models.recallOf', { code })}</th>
                <td className="py-1 text-right tabular-nums text-fg">{pct(recall(a, code))}</td>
                <td className="py-1 text-right tabular-nums text-fg">{pct(recall(b, code))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
