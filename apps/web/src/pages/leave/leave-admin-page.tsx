import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { LeaveType } from '@hadir/contracts';
import { orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import {
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  FormError,
  NamedOptions,
  SelectField,
  TextField,
  FormModal,
  PageHeader,
  DataTable,
  type Column,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import { leaveApi, leaveKeys } from './leave-api';

/** Leave managers: the leave types, and yearly allocations by department. */
export function LeaveAdminPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const year = new Date().getFullYear();
  const types = useQuery({ queryKey: leaveKeys.types, queryFn: leaveApi.types });
  const allocations = useQuery({
    queryKey: leaveKeys.allocations(year),
    queryFn: () => leaveApi.allocations(year),
  });
  const archive = useMutation({
    mutationFn: (x: LeaveType) => leaveApi.updateType(x.id, { archived: !x.archived }),
    onSuccess: async () => {
      toast.show(t('lv.admin.typeSaved'));
      await qc.invalidateQueries({ queryKey: leaveKeys.all });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const typeName = (id: string) => types.data?.find((x) => x.id === id)?.name ?? '';
  const yesNo = (b: boolean) => (b ? t('common.yes') : t('common.no'));
  const columns: Column<LeaveType>[] = [
    {
      key: 'name',
      header: t('lv.admin.name'),
      cell: (x) => (
        <span className="font-medium text-fg">
          {x.name} {x.archived ? <Badge>{t('lv.admin.archived')}</Badge> : null}
        </span>
      ),
    },
    { key: 'paid', header: t('lv.admin.paid'), cell: (x) => yesNo(x.paid) },
    {
      key: 'days',
      header: t('lv.admin.daysPerYear'),
      cell: (x) => (x.daysPerYear === null ? '—' : x.daysPerYear),
    },
    { key: 'carry', header: t('lv.admin.maxCarryOver'), cell: (x) => x.maxCarryOverDays },
    { key: 'half', header: t('lv.admin.allowsHalfDay'), cell: (x) => yesNo(x.allowsHalfDay) },
    { key: 'doc', header: t('lv.admin.requiresAttachment'), cell: (x) => yesNo(x.requiresAttachment) },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      className: 'text-right',
      cell: (x) => (
        <Button size="sm" variant="ghost" onClick={() => archive.mutate(x)}>
          {x.archived ? t('lv.admin.restore') : t('lv.admin.archive')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('lv.admin.title')}
        description={t('lv.admin.subtitle')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
            {t('lv.admin.addType')}
          </Button>
        }
      />
      <div className="space-y-5">
        <Card>
          <CardHeader title={t('lv.admin.types')} />
          {types.isError ? (
            <LoadFailed error={types.error} />
          ) : (
            <DataTable
              caption={t('lv.admin.types')}
              columns={columns}
              rows={types.data}
              rowKey={(x) => x.id}
              loading={types.isPending}
              mobileCard={(x) => (
                <div className="flex items-center justify-between gap-3">
                  <div>
                    <p className="font-medium text-fg">{x.name}</p>
                    <p className="text-xs text-muted">
                      {x.daysPerYear === null
                        ? t('lv.mine.notCounted')
                        : t('lv.days', { count: x.daysPerYear })}
                    </p>
                  </div>
                  {x.archived ? <Badge>{t('lv.admin.archived')}</Badge> : null}
                </div>
              )}
            />
          )}
        </Card>
        <AllocateCard types={types.data?.filter((x) => !x.archived && x.daysPerYear !== null) ?? []} />
        <Card>
          <CardHeader title={t('lv.admin.allocations', { year })} />
          {allocations.isError ? (
            <LoadFailed error={allocations.error} />
          ) : allocations.data?.length === 0 ? (
            <CardBody className="text-sm text-muted">{t('lv.admin.noAllocations')}</CardBody>
          ) : (
            <ul className="divide-y divide-border">
              {allocations.data?.map((a) => (
                <li key={a.id} className="flex flex-wrap justify-between gap-2 px-4 py-2 text-sm sm:px-5">
                  <span className="text-fg">
                    {a.employeeName} <span className="text-muted">{a.employeeCode}</span>
                  </span>
                  <span className="text-muted tabular-nums">
                    {typeName(a.leaveTypeId)}
                    {' · '}
                    {t('lv.days', { count: a.days })}
                    {a.carriedDays ? ` · ${t('lv.admin.carried')} ${a.carriedDays}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <AddTypeDialog open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

function AllocateCard({ types }: { types: LeaveType[] }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const departments = useQuery({ queryKey: queryKeys.departments, queryFn: orgApi.departments });
  const [typeId, setTypeId] = useState('');
  const [departmentId, setDepartmentId] = useState('');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [days, setDays] = useState('12');
  const type = types.find((x) => x.id === typeId) ?? types[0];
  const allocate = useMutation({
    mutationFn: () =>
      leaveApi.allocate({
        leaveTypeId: type?.id ?? '',
        year: Number(year),
        days: Number(days),
        departmentId,
      }),
    onSuccess: async (r) => {
      toast.show(t('lv.admin.allocated', { count: r.count }));
      await qc.invalidateQueries({ queryKey: leaveKeys.all });
    },
  });
  return (
    <Card>
      <CardHeader title={t('lv.admin.allocate')} description={t('lv.admin.allocateHint')} />
      <CardBody>
        <form
          className="grid gap-3 sm:grid-cols-5 sm:items-end"
          onSubmit={(ev: FormEvent) => {
            ev.preventDefault();
            allocate.mutate();
          }}
        >
          <SelectField
            label={t('lv.form.type')}
            value={type?.id ?? ''}
            onChange={(e) => setTypeId(e.target.value)}
          >
            {types.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t('lv.admin.department')}
            value={departmentId}
            onChange={(e) => setDepartmentId(e.target.value)}
          >
            <NamedOptions none={t('lv.admin.chooseDepartment')} items={departments.data} />
          </SelectField>
          <TextField
            label={t('lv.admin.year')}
            type="number"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => setYear(e.target.value)}
          />
          <TextField
            label={t('lv.admin.days')}
            type="number"
            min={0}
            max={366}
            step={0.5}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
          <Button
            type="submit"
            variant="primary"
            loading={allocate.isPending}
            disabled={!departmentId || !type}
          >
            {t('lv.admin.allocate')}
          </Button>
        </form>
        {allocate.isError ? (
          <div className="mt-3">
            <FormError>{errorMessage(t, allocate.error)}</FormError>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

function AddTypeDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [paid, setPaid] = useState(true);
  const [requiresAttachment, setRequiresAttachment] = useState(false);
  const [allowsHalfDay, setAllowsHalfDay] = useState(true);
  const [daysPerYear, setDaysPerYear] = useState('');
  const [maxCarryOverDays, setMaxCarry] = useState('0');
  const create = useMutation({
    mutationFn: () =>
      leaveApi.createType({
        name: name.trim(),
        paid,
        requiresAttachment,
        allowsHalfDay,
        daysPerYear: daysPerYear === '' ? null : Number(daysPerYear),
        maxCarryOverDays: Number(maxCarryOverDays || 0),
      }),
    onSuccess: async () => {
      toast.show(t('lv.admin.typeSaved'));
      setName('');
      onClose();
      await qc.invalidateQueries({ queryKey: leaveKeys.all });
    },
  });
  return (
    <FormModal
      open={open}
      onClose={onClose}
      title={t('lv.admin.addType')}
      formId="leave-type-form"
      submitLabel={t('common.save')}
      submitting={create.isPending}
      formClassName="space-y-4"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        create.mutate();
      }}
    >
      <TextField
        label={t('lv.admin.name')}
        name="name"
        value={name}
        maxLength={80}
        onChange={(e) => setName(e.target.value)}
      />
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label={t('lv.admin.daysPerYear')}
          hint={t('lv.admin.daysPerYearHint')}
          type="number"
          min={0}
          step={0.5}
          value={daysPerYear}
          onChange={(e) => setDaysPerYear(e.target.value)}
        />
        <TextField
          label={t('lv.admin.maxCarryOver')}
          type="number"
          min={0}
          step={0.5}
          value={maxCarryOverDays}
          onChange={(e) => setMaxCarry(e.target.value)}
        />
      </div>
      <Checkbox label={t('lv.admin.paid')} checked={paid} onChange={(e) => setPaid(e.target.checked)} />
      <Checkbox
        label={t('lv.admin.allowsHalfDay')}
        checked={allowsHalfDay}
        onChange={(e) => setAllowsHalfDay(e.target.checked)}
      />
      <Checkbox
        label={t('lv.admin.requiresAttachment')}
        checked={requiresAttachment}
        onChange={(e) => setRequiresAttachment(e.target.checked)}
      />
      {create.isError ? <FormError>{errorMessage(t, create.error)}</FormError> : null}
    </FormModal>
  );
}
