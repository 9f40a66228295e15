import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { HolidayCalendarView, NationalHolidaySet } from '@hadir/contracts';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { formatDate } from '../../i18n/format';
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  type Column,
  DataTable,
  EmptyState,
  Field,
  FormError,
  FormModal,
  NamedOptions,
  PageHeader,
  Select,
  SelectField,
  TextField,
  useToast,
} from '@hadir/ui';
import { DeleteAction } from './delete-action';
import { rulesApi, rulesKeys, sitesApi } from './rules-api';

const SETS: NationalHolidaySet[] = ['id-2026', 'id-2026-cuti-bersama', 'vn-2026'];

/** Holiday calendars: create, import CSV / iCalendar, load national holidays (Indonesia, Vietnam). */
export function HolidaysPage() {
  const { t } = useTranslation();
  const canManage = useCan('shift:manage');
  const calendars = useQuery({ queryKey: rulesKeys.holidays, queryFn: rulesApi.holidays });
  const sites = useQuery({ queryKey: ['sites'], queryFn: sitesApi.list, staleTime: 60_000 });
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title={t('attr.holidays.title')}
        description={t('attr.holidays.subtitle')}
        actions={
          canManage ? (
            <Button variant="primary" onClick={() => setCreating(true)} data-testid="new-calendar">
              {t('attr.holidays.newCalendar')}
            </Button>
          ) : null
        }
      />
      {calendars.error ? <FormError>{errorMessage(t, calendars.error)}</FormError> : null}
      {calendars.data && calendars.data.items.length === 0 ? (
        <Card>
          <EmptyState
            icon="clipboard"
            title={t('attr.holidays.empty')}
            description={t('attr.holidays.emptyHint')}
          />
        </Card>
      ) : null}
      <div className="space-y-5">
        {calendars.data?.items.map((c) => (
          <CalendarCard
            key={c.id}
            calendar={c}
            siteName={sites.data?.find((s) => s.id === c.siteId)?.name ?? t('attr.holidays.allSites')}
            canManage={canManage}
          />
        ))}
      </div>
      {creating ? <CalendarDialog sites={sites.data} onClose={() => setCreating(false)} /> : null}
    </>
  );
}

function CalendarCard({
  calendar,
  siteName,
  canManage,
}: {
  calendar: HolidayCalendarView;
  siteName: string;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const locale = currentLocale();
  const qc = useQueryClient();
  const toast = useToast();
  const [set, setSet] = useState<NationalHolidaySet>(locale === 'vi' ? 'vn-2026' : 'id-2026');
  const done = async (r: { added: number; skipped: number }) => {
    toast.show(t('attr.holidays.imported', r));
    await qc.invalidateQueries({ queryKey: rulesKeys.holidays });
  };
  const national = useMutation({
    mutationFn: () => rulesApi.loadNational(calendar.id, set),
    onSuccess: done,
  });
  const importFile = useMutation({
    mutationFn: async (file: File) =>
      rulesApi.importHolidays(calendar.id, { filename: file.name, text: await file.text() }),
    onSuccess: done,
  });
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) importFile.mutate(file);
    e.target.value = '';
  };
  const removeHoliday = (h: { date: string; name: string }) => (
    <DeleteAction
      label={t('attr.holidays.remove')}
      title={t('attr.holidays.removeTitle', { name: h.name })}
      body={t('attr.holidays.removeBody', {
        date: formatDate(h.date, locale, 'UTC'),
        calendar: calendar.name,
      })}
      done={t('attr.holidays.removed')}
      run={() => rulesApi.deleteHoliday(calendar.id, h.date)}
      invalidate={rulesKeys.holidays}
    />
  );
  const columns: Column<{ date: string; name: string }>[] = [
    {
      key: 'date',
      header: t('attr.holidays.date'),
      cell: (h) => <span className="tabular-nums">{formatDate(h.date, locale, 'UTC')}</span>,
    },
    { key: 'name', header: t('attr.holidays.holiday'), cell: (h) => <span>{h.name}</span> },
    ...(canManage
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('attr.holidays.remove')}</span>,
            cell: (h: { date: string; name: string }) => removeHoliday(h),
          },
        ]
      : []),
  ];
  const error = national.error ?? importFile.error;
  return (
    <Card>
      <CardHeader
        title={calendar.name}
        description={`${siteName} · ${t('attr.holidays.count', { count: calendar.holidays.length })}`}
        actions={
          canManage ? (
            <DeleteAction
              label={t('attr.holidays.deleteCalendar')}
              title={t('attr.holidays.deleteCalendarTitle', { name: calendar.name })}
              body={t('attr.holidays.deleteCalendarBody', { count: calendar.holidays.length })}
              done={t('attr.holidays.calendarDeleted')}
              run={() => rulesApi.deleteCalendar(calendar.id)}
              invalidate={rulesKeys.holidays}
            />
          ) : null
        }
      />
      {canManage ? (
        <CardBody className="grid grid-cols-1 gap-3 border-b border-border sm:grid-cols-2">
          <div className="flex items-end gap-2">
            <Field label={t('attr.holidays.national')} className="min-w-0 flex-1">
              {(p) => (
                <Select {...p} value={set} onChange={(e) => setSet(e.target.value as NationalHolidaySet)}>
                  {SETS.map((s) => (
                    <option key={s} value={s}>
                      {t(`attr.holidays.sets.${s}`)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Button onClick={() => national.mutate()} loading={national.isPending}>
              {t('attr.holidays.load')}
            </Button>
          </div>
          <TextField
            label={t('attr.holidays.import')}
            hint={t('attr.holidays.importHint')}
            type="file"
            accept=".csv,.ics,text/csv,text/calendar"
            onChange={onFile}
          />
          {error ? (
            <div className="sm:col-span-2">
              <FormError>{errorMessage(t, error)}</FormError>
            </div>
          ) : null}
        </CardBody>
      ) : null}
      <DataTable
        caption={calendar.name}
        columns={columns}
        rows={calendar.holidays}
        rowKey={(h) => `${h.date}:${h.name}`}
        empty={<EmptyState icon="clipboard" title={t('attr.holidays.noHolidays')} />}
        mobileCard={(h) => (
          <div className="flex items-center justify-between gap-2 text-sm">
            <span className="tabular-nums text-muted">{formatDate(h.date, locale, 'UTC')}</span>
            <span className="flex-1 text-right text-fg">{h.name}</span>
            {canManage ? removeHoliday(h) : null}
          </div>
        )}
      />
    </Card>
  );
}

function CalendarDialog({
  sites,
  onClose,
}: {
  sites: { id: string; name: string }[] | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const [siteId, setSiteId] = useState('');
  const save = useMutation({
    mutationFn: () => rulesApi.createCalendar({ name, siteId: siteId || null }),
    onSuccess: async () => {
      toast.show(t('attr.holidays.created'));
      await qc.invalidateQueries({ queryKey: rulesKeys.holidays });
      onClose();
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    save.mutate();
  };
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('attr.holidays.newCalendar')}
      formId="holiday-calendar"
      onSubmit={submit}
      submitLabel={t('attr.shifts.save')}
      submitting={save.isPending}
      formClassName="grid gap-3"
    >
      <TextField
        label={t('attr.holidays.name')}
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <SelectField label={t('attr.holidays.site')} value={siteId} onChange={(e) => setSiteId(e.target.value)}>
        <NamedOptions none={t('attr.holidays.allSites')} items={sites} />
      </SelectField>
      {save.error ? <FormError>{errorMessage(t, save.error)}</FormError> : null}
    </FormModal>
  );
}
