import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { TrainParams, type TrainMethod } from '@hadir/contracts';
import { errorMessage } from '../../api/errors';
import { Button, Card, FormError, SelectField, TextField, useToast } from '@hadir/ui';
import { datasetKeys, datasetsApi } from './datasets-api';

const DEFAULTS = TrainParams.parse({});
type Key = 'epochs' | 'learningRate' | 'batchSize' | 'l2' | 'hiddenUnits' | 'targetFar';
const FIELDS: { key: Key; methods: TrainMethod[]; step: string }[] = [
  { key: 'epochs', methods: ['logistic', 'mlp'], step: '1' },
  { key: 'learningRate', methods: ['logistic', 'mlp'], step: 'any' },
  { key: 'batchSize', methods: ['logistic', 'mlp'], step: '1' },
  { key: 'l2', methods: ['logistic', 'mlp'], step: 'any' },
  { key: 'hiddenUnits', methods: ['mlp'], step: '1' },
  { key: 'targetFar', methods: ['centroid', 'logistic', 'mlp'], step: 'any' },
];

/** Choose a version, a method and its hyper-parameters (the contract's defaults filled in), start. */
export function TrainForm() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const versions = useQuery({ queryKey: datasetKeys.versions, queryFn: datasetsApi.versions });
  const [versionId, setVersionId] = useState('');
  const [method, setMethod] = useState<TrainMethod>('logistic');
  const [values, setValues] = useState<Record<Key, string>>(() => ({
    epochs: String(DEFAULTS.epochs),
    learningRate: String(DEFAULTS.learningRate),
    batchSize: String(DEFAULTS.batchSize),
    l2: String(DEFAULTS.l2),
    hiddenUnits: String(DEFAULTS.hiddenUnits),
    targetFar: String(DEFAULTS.targetFar),
  }));
  const fields = FIELDS.filter((f) => f.methods.includes(method));
  const params = Object.fromEntries(fields.map((f) => [f.key, Number(values[f.key])]));
  // The shared contract is the one source of the bounds: what it refuses is shown beside the field.
  const check = TrainParams.partial().safeParse(params);
  const fieldError = (k: Key) =>
    check.success ? null : check.error.issues.some((i) => i.path[0] === k) ? t('ds.train.outOfRange') : null;
  const chosen = versionId || versions.data?.items[0]?.id || '';
  const train = useMutation({
    mutationFn: () =>
      datasetsApi.train({ versionId: chosen, method, params: check.success ? check.data : {} }),
    onSuccess: (m) => {
      toast.show(t('ds.train.started', { number: m.number }));
      void qc.invalidateQueries({ queryKey: datasetKeys.models });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen && check.success) train.mutate();
  };
  return (
    <Card className="mb-5 p-4 sm:p-5">
      <h2 className="mb-1 text-base font-semibold text-fg">{t('ds.train.title')}</h2>
      <p className="mb-3 text-sm text-muted">{t(`ds.train.hint.${method}`)}</p>
      <form onSubmit={submit} className="space-y-3" data-testid="train-form">
        {train.isError ? <FormError>{errorMessage(t, train.error)}</FormError> : null}
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField
            label={t('ds.train.version')}
            value={chosen}
            onChange={(e) => setVersionId(e.target.value)}
            data-testid="train-version"
          >
            {(versions.data?.items ?? []).length === 0 ? (
              <option value="">{t('ds.train.noVersion')}</option>
            ) : null}
            {(versions.data?.items ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {t('ds.versions.number', { number: v.number })} · {v.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t('ds.train.method')}
            value={method}
            onChange={(e) => setMethod(e.target.value as TrainMethod)}
            data-testid="train-method"
          >
            {(['centroid', 'logistic', 'mlp'] as const).map((m) => (
              <option key={m} value={m}>
                {t(`ds.method.${m}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {fields.map((f) => (
            <TextField
              key={f.key}
              label={t(`ds.train.${f.key}`)}
              type="number"
              step={f.step}
              inputMode="decimal"
              value={values[f.key]}
              onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
              error={fieldError(f.key)}
              data-testid={`train-${f.key}`}
            />
          ))}
        </div>
        <Button
          type="submit"
          variant="primary"
          icon="play"
          loading={train.isPending}
          disabled={!chosen}
          data-testid="train-start"
        >
          {t('ds.train.start')}
        </Button>
      </form>
    </Card>
  );
}
