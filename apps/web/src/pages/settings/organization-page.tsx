import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  OrganizationSettingsUpdate,
  type Locale,
  type Organization,
  type WeeklySchedule,
} from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { LOCALES, LOCALE_NAMES } from '../../i18n';
import { COMMON_TIME_ZONES, zoneOffsetLabel } from '../../i18n/format';
import { CountryField } from './country-field';
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  FormError,
  Input,
  SelectField,
  TextField,
  PageHeader,
  PageSpinner,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

type FormState = {
  name: string;
  timeZone: string;
  locale: Locale;
  country: string;
  workingHours: WeeklySchedule;
  absentAfterMinutes: string;
  lateGraceMinutes: string;
  recognitionThreshold: string;
  snapshotRetentionDays: string;
  escalateAfterMinutes: string;
  dailyReportTime: string;
  keepAlignedFaceCrops: boolean;
  libraryAttendance: boolean;
  webcamAttendanceIntervalMinutes: string;
};

function fromOrg(org: Organization): FormState {
  const s = org.settings;
  return {
    name: org.name,
    timeZone: s.timeZone,
    locale: s.locale,
    country: s.country,
    workingHours: s.workingHours,
    absentAfterMinutes: String(s.absentAfterMinutes),
    lateGraceMinutes: String(s.lateGraceMinutes),
    recognitionThreshold: s.recognitionThreshold === null ? '' : String(s.recognitionThreshold),
    snapshotRetentionDays: String(s.snapshotRetentionDays),
    escalateAfterMinutes: String(s.escalateAfterMinutes),
    dailyReportTime: s.dailyReportTime,
    keepAlignedFaceCrops: s.keepAlignedFaceCrops,
    libraryAttendance: s.libraryAttendance,
    webcamAttendanceIntervalMinutes: String(s.webcamAttendanceIntervalMinutes),
  };
}

export function OrganizationPage() {
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get });
  if (org.isPending) return <PageSpinner />;
  if (org.isError) {
    return (
      <Card>
        <LoadFailed error={org.error} />
      </Card>
    );
  }
  return <OrganizationForm org={org.data} key={org.data.id} />;
}

function OrganizationForm({ org }: { org: Organization }) {
  const { t } = useTranslation();
  const canEdit = useCan('settings:manage');
  const toast = useToast();
  const qc = useQueryClient();
  const [form, setForm] = useState<FormState>(() => fromOrg(org));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const setDay = (day: (typeof WEEKDAYS)[number], value: WeeklySchedule[typeof day]) =>
    setForm((f) => ({ ...f, workingHours: { ...f.workingHours, [day]: value } }));

  const save = useMutation({
    mutationFn: orgApi.update,
    onSuccess: (updated) => {
      qc.setQueryData(queryKeys.organization, updated);
      setForm(fromOrg(updated));
      toast.show(t('org.saved'));
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        const fe = error.fieldErrors();
        const mapped: Record<string, string> = {};
        for (const [path, message] of Object.entries(fe)) mapped[path.replace(/^settings\./, '')] = message;
        setErrors(mapped);
      }
      setFormError(errorMessage(t, error));
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const settings = {
      timeZone: form.timeZone,
      locale: form.locale,
      country: form.country,
      workingHours: form.workingHours,
      absentAfterMinutes: Number(form.absentAfterMinutes),
      lateGraceMinutes: Number(form.lateGraceMinutes),
      recognitionThreshold:
        form.recognitionThreshold.trim() === '' ? null : Number(form.recognitionThreshold),
      snapshotRetentionDays: Number(form.snapshotRetentionDays),
      escalateAfterMinutes: Number(form.escalateAfterMinutes),
      dailyReportTime: form.dailyReportTime,
      keepAlignedFaceCrops: form.keepAlignedFaceCrops,
      libraryAttendance: form.libraryAttendance,
      webcamAttendanceIntervalMinutes: Number(form.webcamAttendanceIntervalMinutes),
    };
    const parsed = OrganizationSettingsUpdate.safeParse(settings);
    const found: Record<string, string> = {};
    if (!form.name.trim()) found.name = t('validation.required');
    else if (form.name.trim().length < 2) found.name = t('validation.tooShort');
    if (!parsed.success) {
      for (const issue of parsed.error.issues) found[issue.path.join('.')] ??= issue.message;
    }
    setErrors(found);
    if (Object.keys(found).length > 0 || !parsed.success) {
      setFormError(t('validation.checkFields'));
      return;
    }
    save.mutate({ name: form.name.trim(), settings: parsed.data });
  };

  const zones = COMMON_TIME_ZONES.includes(form.timeZone as (typeof COMMON_TIME_ZONES)[number])
    ? [...COMMON_TIME_ZONES]
    : [form.timeZone, ...COMMON_TIME_ZONES];

  return (
    <>
      <PageHeader title={t('org.title')} description={t('org.subtitle')} />
      {!canEdit ? <p className="mb-4 text-sm text-muted">{t('org.readOnly')}</p> : null}
      <form onSubmit={submit} noValidate>
        <fieldset disabled={!canEdit || save.isPending} className="space-y-4">
          <Card>
            <CardHeader title={t('org.general')} />
            <CardBody className="grid gap-4 sm:grid-cols-2">
              <TextField
                label={t('org.name')}
                name="name"
                value={form.name}
                onChange={(e) => set('name', e.target.value)}
                error={errors.name}
                className="sm:col-span-2"
              />
              <SelectField
                label={t('org.timeZone')}
                name="timeZone"
                value={form.timeZone}
                onChange={(e) => set('timeZone', e.target.value)}
                error={errors.timeZone}
              >
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {`${z.replace(/_/g, ' ')} (${zoneOffsetLabel(z)})`}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label={t('org.language')}
                name="locale"
                value={form.locale}
                onChange={(e) => set('locale', e.target.value as Locale)}
              >
                {LOCALES.map((l) => (
                  <option key={l} value={l} lang={l}>
                    {LOCALE_NAMES[l]}
                  </option>
                ))}
              </SelectField>
              <CountryField value={form.country} onChange={(c) => set('country', c)} />
            </CardBody>
          </Card>

          <Card>
            <CardHeader title={t('org.workingHours')} description={t('org.workingHoursHint')} />
            <ul className="divide-y divide-border">
              {WEEKDAYS.map((day) => {
                const value = form.workingHours[day];
                const label = t(`org.weekdays.${day}`);
                const error = errors[`workingHours.${day}.start`] ?? errors[`workingHours.${day}.end`];
                return (
                  <li
                    key={day}
                    className="flex min-h-16 flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-5"
                  >
                    <Checkbox
                      label={label}
                      checked={value !== null}
                      onChange={(e) =>
                        setDay(day, e.target.checked ? { start: '08:00', end: '17:00' } : null)
                      }
                      className="w-36 font-medium"
                    />
                    {value ? (
                      <div className="flex items-center gap-2">
                        <Input
                          type="time"
                          aria-label={`${label} · ${t('org.start')}`}
                          value={value.start}
                          onChange={(e) => setDay(day, { ...value, start: e.target.value })}
                          className="w-32"
                          aria-invalid={error ? true : undefined}
                        />
                        <span aria-hidden="true" className="text-muted">
                          –
                        </span>
                        <Input
                          type="time"
                          aria-label={`${label} · ${t('org.end')}`}
                          value={value.end}
                          onChange={(e) => setDay(day, { ...value, end: e.target.value })}
                          className="w-32"
                          aria-invalid={error ? true : undefined}
                        />
                      </div>
                    ) : (
                      <span className="text-sm text-muted">{t('org.dayOff')}</span>
                    )}
                    {error ? <span className="w-full text-sm text-danger-text">{error}</span> : null}
                  </li>
                );
              })}
            </ul>
          </Card>

          <Card>
            <CardHeader title={t('org.rules')} />
            <CardBody className="grid gap-4 sm:grid-cols-2">
              <TextField
                label={t('org.absentAfter')}
                hint={t('org.absentAfterHint')}
                type="number"
                inputMode="numeric"
                min={1}
                max={1440}
                name="absentAfterMinutes"
                value={form.absentAfterMinutes}
                onChange={(e) => set('absentAfterMinutes', e.target.value)}
                error={errors.absentAfterMinutes}
              />
              <TextField
                label={t('org.lateGrace')}
                hint={t('org.lateGraceHint')}
                type="number"
                inputMode="numeric"
                min={0}
                max={240}
                name="lateGraceMinutes"
                value={form.lateGraceMinutes}
                onChange={(e) => set('lateGraceMinutes', e.target.value)}
                error={errors.lateGraceMinutes}
              />
              <TextField
                label={t('org.threshold')}
                hint={t('org.thresholdHint')}
                type="number"
                inputMode="decimal"
                min={0}
                max={1}
                step={0.01}
                name="recognitionThreshold"
                value={form.recognitionThreshold}
                onChange={(e) => set('recognitionThreshold', e.target.value)}
                error={errors.recognitionThreshold}
                optional
              />
              <TextField
                label={t('org.retention')}
                hint={t('org.retentionHint')}
                type="number"
                inputMode="numeric"
                min={1}
                max={30}
                name="snapshotRetentionDays"
                value={form.snapshotRetentionDays}
                onChange={(e) => set('snapshotRetentionDays', e.target.value)}
                error={errors.snapshotRetentionDays}
              />
            </CardBody>
          </Card>

          <Card>
            <CardHeader title={t('org.alertsReports')} />
            <CardBody className="grid gap-4 sm:grid-cols-2">
              <TextField
                label={t('org.escalateAfter')}
                hint={t('org.escalateAfterHint')}
                type="number"
                inputMode="numeric"
                min={1}
                max={1440}
                name="escalateAfterMinutes"
                value={form.escalateAfterMinutes}
                onChange={(e) => set('escalateAfterMinutes', e.target.value)}
                error={errors.escalateAfterMinutes}
              />
              <TextField
                label={t('org.dailyReportTime')}
                hint={t('org.dailyReportTimeHint')}
                type="time"
                name="dailyReportTime"
                value={form.dailyReportTime}
                onChange={(e) => set('dailyReportTime', e.target.value)}
                error={errors.dailyReportTime}
              />
            </CardBody>
          </Card>

          <Card>
            <CardHeader title={t('org.privacy')} />
            <CardBody>
              <label className="flex cursor-pointer items-start gap-3">
                <input
                  type="checkbox"
                  name="keepAlignedFaceCrops"
                  checked={form.keepAlignedFaceCrops}
                  onChange={(e) => set('keepAlignedFaceCrops', e.target.checked)}
                  aria-describedby="keep-crops-hint"
                  className="mt-0.5 h-4 w-4 shrink-0 rounded accent-[var(--primary)]"
                />
                <span className="min-w-0 space-y-1">
                  <span className="block text-sm font-medium text-fg">{t('org.keepCrops')}</span>
                  <span id="keep-crops-hint" className="block text-sm text-muted">
                    {t('org.keepCropsHint')}
                  </span>
                </span>
              </label>
            </CardBody>
          </Card>

          <Card>
            <CardHeader title={t('org.libraryAttendance')} />
            <CardBody className="grid gap-4 sm:grid-cols-2">
              <label className="flex cursor-pointer items-start gap-3 sm:col-span-2">
                <input
                  type="checkbox"
                  name="libraryAttendance"
                  checked={form.libraryAttendance}
                  onChange={(e) => set('libraryAttendance', e.target.checked)}
                  aria-describedby="library-attendance-hint"
                  className="mt-0.5 h-4 w-4 shrink-0 rounded accent-[var(--primary)]"
                />
                <span className="min-w-0 space-y-1">
                  <span className="block text-sm font-medium text-fg">
                    {t('org.libraryAttendanceToggle')}
                  </span>
                  <span id="library-attendance-hint" className="block text-sm text-muted">
                    {t('org.libraryAttendanceHint')}
                  </span>
                </span>
              </label>
              <TextField
                label={t('org.webcamInterval')}
                hint={t('org.webcamIntervalHint')}
                type="number"
                inputMode="numeric"
                min={1}
                max={1440}
                name="webcamAttendanceIntervalMinutes"
                value={form.webcamAttendanceIntervalMinutes}
                onChange={(e) => set('webcamAttendanceIntervalMinutes', e.target.value)}
                error={errors.webcamAttendanceIntervalMinutes}
                disabled={!form.libraryAttendance}
              />
            </CardBody>
          </Card>

          <FormError>{formError}</FormError>
          {canEdit ? (
            <div className="flex justify-end">
              <Button type="submit" variant="primary" loading={save.isPending}>
                {save.isPending ? t('common.saving') : t('common.save')}
              </Button>
            </div>
          ) : null}
        </fieldset>
      </form>
    </>
  );
}
