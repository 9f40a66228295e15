import { useState, type FormEvent } from 'react';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { RosterPattern, ShiftAssignmentView, ShiftTypeInput, ShiftTypeView } from '@hadir/contracts';
import { employeesApi, orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { formatDate, formatDuration } from '../../i18n/format';
import {
  Badge,
  Button,
  Card,
  CardHeader,
  type Column,
  type ComboOption,
  DataTable,
  EmptyState,
  Field,
  FormError,
  FormModal,
  NamedOptions,
  PageHeader,
  SelectField,
  TextField,
  useToast,
} from '@hadir/ui';
import { DateField } from '../../ui/date-field';
import { localDateIn } from '../dashboard/time';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { DeleteAction } from './delete-action';
import { rulesApi, rulesKeys } from './rules-api';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof WEEKDAYS)[number];

const crossesMidnight = (s: Pick<ShiftTypeView, 'kind' | 'start' | 'end'>) =>
  s.kind === 'fixed' && s.end <= s.start;

/** Shift types (create, edit) and assignments with weekly days off or rotating rosters. */
export function ShiftsPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const canManage = useCan('shift:manage');
  const types = useQuery({ queryKey: rulesKeys.shiftTypes, queryFn: rulesApi.shiftTypes });
  const [editing, setEditing] = useState<ShiftTypeView | 'new' | null>(null);
  const [assigning, setAssigning] = useState(false);

  const typeColumns: Column<ShiftTypeView>[] = [
    {
      key: 'name',
      header: t('attr.shifts.name'),
      cell: (s) => (
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-fg">{s.name}</span>
          {crossesMidnight(s) ? <Badge tone="slate">{t('attr.shifts.night')}</Badge> : null}
          {s.kind === 'flexible' ? <Badge tone="primary">{t('attr.shifts.flexibleBadge')}</Badge> : null}
        </div>
      ),
    },
    {
      key: 'hours',
      header: t('attr.shifts.hours'),
      cell: (s) => (
        <span className="tabular-nums">
          {s.kind === 'flexible' ? formatDuration(s.requiredMinutes ?? 0, locale) : `${s.start}–${s.end}`}
        </span>
      ),
    },
    {
      key: 'grace',
      header: t('attr.shifts.grace'),
      cell: (s) => (
        <span className="tabular-nums">{`${s.lateGraceMinutes} / ${s.earlyLeaveGraceMinutes}`}</span>
      ),
    },
    {
      key: 'break',
      header: t('attr.shifts.breakMinutes'),
      cell: (s) => <span className="tabular-nums">{s.breakMinutes}</span>,
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('attr.shifts.edit')}</span>,
            cell: (s: ShiftTypeView) => (
              <Button size="sm" onClick={() => setEditing(s)}>
                {t('attr.shifts.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title={t('attr.shifts.title')} description={t('attr.shifts.subtitle')} />
      <div className="space-y-5">
        <Card>
          <CardHeader
            title={t('attr.shifts.types')}
            description={t('attr.shifts.typesHint')}
            actions={
              canManage ? (
                <Button variant="primary" onClick={() => setEditing('new')} data-testid="new-shift-type">
                  {t('attr.shifts.newType')}
                </Button>
              ) : null
            }
          />
          {types.error ? (
            <div className="p-4">
              <FormError>{errorMessage(t, types.error)}</FormError>
            </div>
          ) : null}
          <DataTable
            caption={t('attr.shifts.types')}
            columns={typeColumns}
            rows={types.data?.items}
            rowKey={(s) => s.id}
            loading={types.isFetching}
            empty={
              <EmptyState
                icon="clipboard"
                title={t('attr.shifts.noTypes')}
                description={t('attr.shifts.noTypesHint')}
              />
            }
            mobileCard={(s) => (
              <div className="space-y-1 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <p className="font-medium text-fg">{s.name}</p>
                  {crossesMidnight(s) ? <Badge tone="slate">{t('attr.shifts.night')}</Badge> : null}
                </div>
                <p className="text-xs text-muted tabular-nums">
                  {s.kind === 'flexible' ? t('attr.shifts.flexibleBadge') : `${s.start}–${s.end}`}
                </p>
                {canManage ? (
                  <Button size="sm" onClick={() => setEditing(s)}>
                    {t('attr.shifts.edit')}
                  </Button>
                ) : null}
              </div>
            )}
          />
        </Card>
        <AssignmentsCard
          types={types.data?.items ?? []}
          canManage={canManage}
          onNew={() => setAssigning(true)}
        />
      </div>
      {editing ? (
        <ShiftTypeDialog shift={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
      {assigning ? (
        <AssignmentDialog types={types.data?.items ?? []} onClose={() => setAssigning(false)} />
      ) : null}
    </>
  );
}

const BLANK: ShiftTypeInput = {
  name: '',
  kind: 'fixed',
  start: '08:00',
  end: '17:00',
  lateGraceMinutes: 10,
  earlyLeaveGraceMinutes: 0,
  checkInWindowMinutes: 60,
  checkOutWindowMinutes: 60,
  halfDayThresholdMinutes: 0,
  breakMinutes: 60,
};

function ShiftTypeDialog({ shift, onClose }: { shift: ShiftTypeView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [form, setForm] = useState<ShiftTypeInput>(() => {
    if (!shift) return BLANK;
    const { id: _id, ...rest } = shift;
    return rest;
  });
  const set = <K extends keyof ShiftTypeInput>(key: K, value: ShiftTypeInput[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const num = (key: keyof ShiftTypeInput) => ({
    type: 'number',
    min: 0,
    value: String(form[key] ?? ''),
    onChange: (e: { target: { value: string } }) =>
      set(key, (e.target.value === '' ? undefined : Number(e.target.value)) as never),
  });
  const save = useMutation({
    mutationFn: () => {
      const body: ShiftTypeInput = form.kind === 'flexible' ? form : { ...form, requiredMinutes: undefined };
      return shift ? rulesApi.updateShiftType(shift.id, body) : rulesApi.createShiftType(body);
    },
    onSuccess: async () => {
      toast.show(t('attr.shifts.saved'));
      await qc.invalidateQueries({ queryKey: rulesKeys.shiftTypes });
      onClose();
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    save.mutate();
  };
  const flexible = form.kind === 'flexible';
  return (
    <FormModal
      open
      onClose={onClose}
      title={shift ? t('attr.shifts.editType', { name: shift.name }) : t('attr.shifts.newType')}
      description={t('attr.shifts.typesHint')}
      formId="shift-type"
      onSubmit={submit}
      submitLabel={t('attr.shifts.save')}
      submitting={save.isPending}
      formClassName="grid grid-cols-1 gap-3 sm:grid-cols-2"
    >
      <TextField
        label={t('attr.shifts.name')}
        className="sm:col-span-2"
        required
        value={form.name}
        onChange={(e) => set('name', e.target.value)}
      />
      <SelectField
        label={t('attr.shifts.kind')}
        className="sm:col-span-2"
        value={form.kind}
        onChange={(e) => set('kind', e.target.value as ShiftTypeInput['kind'])}
      >
        <option value="fixed">{t('attr.shifts.kinds.fixed')}</option>
        <option value="flexible">{t('attr.shifts.kinds.flexible')}</option>
      </SelectField>
      <TextField
        label={flexible ? t('attr.shifts.dayStart') : t('attr.shifts.start')}
        type="time"
        value={form.start}
        onChange={(e) => set('start', e.target.value)}
      />
      {flexible ? (
        <TextField label={t('attr.shifts.required')} {...num('requiredMinutes')} />
      ) : (
        <TextField
          label={t('attr.shifts.end')}
          type="time"
          value={form.end}
          hint={crossesMidnight(form) ? t('attr.shifts.night') : undefined}
          onChange={(e) => set('end', e.target.value)}
        />
      )}
      <TextField label={t('attr.shifts.lateGrace')} {...num('lateGraceMinutes')} />
      <TextField label={t('attr.shifts.earlyGrace')} {...num('earlyLeaveGraceMinutes')} />
      <TextField label={t('attr.shifts.checkInWindow')} {...num('checkInWindowMinutes')} />
      <TextField label={t('attr.shifts.checkOutWindow')} {...num('checkOutWindowMinutes')} />
      <TextField label={t('attr.shifts.halfDay')} {...num('halfDayThresholdMinutes')} />
      <TextField label={t('attr.shifts.breakMinutes')} {...num('breakMinutes')} />
      {save.error ? (
        <div className="sm:col-span-2">
          <FormError>{errorMessage(t, save.error)}</FormError>
        </div>
      ) : null}
    </FormModal>
  );
}

function AssignmentsCard({
  types,
  canManage,
  onNew,
}: {
  types: ShiftTypeView[];
  canManage: boolean;
  onNew: () => void;
}) {
  const { t } = useTranslation();
  const locale = currentLocale();
  const list = useQuery({ queryKey: rulesKeys.assignments, queryFn: rulesApi.assignments });
  // Names of the employees with their own assignment (the list carries ids only).
  const employeeIds = [
    ...new Set((list.data?.items ?? []).flatMap((a) => (a.employeeId ? [a.employeeId] : []))),
  ];
  const people = useQueries({
    queries: employeeIds.map((id) => ({
      queryKey: ['employee', id],
      queryFn: () => employeesApi.get(id),
      staleTime: 60_000,
    })),
  });
  const nameOf = (id: string) => people.find((p) => p.data?.id === id)?.data?.name;
  const departments = useQuery({
    queryKey: queryKeys.departments,
    queryFn: orgApi.departments,
    staleTime: 60_000,
  });
  const typeName = (id: string | null | undefined) =>
    id ? (types.find((s) => s.id === id)?.name ?? id) : t('attr.shifts.dayOff');
  const targetOf = (a: ShiftAssignmentView) =>
    a.employeeId
      ? (nameOf(a.employeeId) ?? t('attr.shifts.targets.employee'))
      : a.departmentId
        ? (departments.data?.find((d) => d.id === a.departmentId)?.name ??
          t('attr.shifts.targets.department'))
        : t('attr.shifts.targets.organization');
  const patternOf = (p: RosterPattern) =>
    p.kind === 'weekly'
      ? WEEKDAYS.map((d) => `${t(`attr.shifts.weekdays.${d}`)}: ${typeName(p.days[d])}`).join(' · ')
      : `${t('attr.shifts.summaryRotation', { n: p.cycle.length, date: formatDate(p.anchorDate, locale, 'UTC') })}: ${p.cycle.map((c) => typeName(c)).join(' / ')}`;
  const period = (a: ShiftAssignmentView) =>
    `${formatDate(a.effectiveFrom, locale, 'UTC')} – ${a.effectiveTo ? formatDate(a.effectiveTo, locale, 'UTC') : t('attr.shifts.openEnded')}`;
  const removeAssignment = (a: ShiftAssignmentView) => (
    <DeleteAction
      label={t('attr.shifts.deleteAssignment')}
      title={t('attr.shifts.deleteAssignmentTitle', { target: targetOf(a) })}
      body={period(a)}
      done={t('attr.shifts.assignmentDeleted')}
      run={() => rulesApi.deleteAssignment(a.id)}
      invalidate={rulesKeys.assignments}
    />
  );
  const columns: Column<ShiftAssignmentView>[] = [
    {
      key: 'target',
      header: t('attr.shifts.target'),
      cell: (a) => <span className="font-medium">{targetOf(a)}</span>,
    },
    { key: 'period', header: t('attr.shifts.period'), cell: (a) => <span>{period(a)}</span> },
    {
      key: 'pattern',
      header: t('attr.shifts.pattern'),
      cell: (a) => <span className="text-sm text-muted">{patternOf(a.pattern)}</span>,
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('attr.shifts.deleteAssignment')}</span>,
            cell: (a: ShiftAssignmentView) => removeAssignment(a),
          },
        ]
      : []),
  ];
  return (
    <Card>
      <CardHeader
        title={t('attr.shifts.assignments')}
        description={t('attr.shifts.assignmentsHint')}
        actions={
          canManage ? (
            <Button
              variant="primary"
              onClick={onNew}
              disabled={types.length === 0}
              data-testid="new-assignment"
            >
              {t('attr.shifts.newAssignment')}
            </Button>
          ) : null
        }
      />
      <DataTable
        caption={t('attr.shifts.assignments')}
        columns={columns}
        rows={list.data?.items}
        rowKey={(a) => a.id}
        loading={list.isFetching}
        empty={
          <EmptyState
            icon="users"
            title={t('attr.shifts.noAssignments')}
            description={t('attr.shifts.noAssignmentsHint')}
          />
        }
        mobileCard={(a) => (
          <div className="space-y-1 text-sm">
            <p className="font-medium text-fg">{targetOf(a)}</p>
            <p className="text-xs text-muted">{period(a)}</p>
            <p className="text-xs text-muted">{patternOf(a.pattern)}</p>
            {canManage ? removeAssignment(a) : null}
          </div>
        )}
      />
    </Card>
  );
}

function ShiftSelect({
  label,
  value,
  types,
  onChange,
}: {
  label: string;
  value: string | null;
  types: ShiftTypeView[];
  onChange: (v: string | null) => void;
}) {
  const { t } = useTranslation();
  return (
    <SelectField label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
      <option value="">{t('attr.shifts.dayOff')}</option>
      {types.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </SelectField>
  );
}

function AssignmentDialog({ types, onClose }: { types: ShiftTypeView[]; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const departments = useQuery({
    queryKey: queryKeys.departments,
    queryFn: orgApi.departments,
    staleTime: 60_000,
  });
  const first = types[0]?.id ?? null;
  const [target, setTarget] = useState<'organization' | 'department' | 'employee'>('employee');
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const [departmentId, setDepartmentId] = useState('');
  const [from, setFrom] = useState(() => localDateIn(undefined));
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<RosterPattern['kind']>('weekly');
  const [days, setDays] = useState<Record<Weekday, string | null>>({
    mon: first,
    tue: first,
    wed: first,
    thu: first,
    fri: first,
    sat: null,
    sun: null,
  });
  const [anchor, setAnchor] = useState(() => localDateIn(undefined));
  const [cycle, setCycle] = useState<(string | null)[]>([first, first, null]);
  const save = useMutation({
    mutationFn: () =>
      rulesApi.createAssignment({
        employeeId: target === 'employee' ? (employee?.id ?? null) : null,
        departmentId: target === 'department' ? departmentId || null : null,
        effectiveFrom: from,
        effectiveTo: to || null,
        pattern: kind === 'weekly' ? { kind, days } : { kind, anchorDate: anchor, cycle },
      }),
    onSuccess: async () => {
      toast.show(t('attr.shifts.assignmentSaved'));
      await qc.invalidateQueries({ queryKey: rulesKeys.assignments });
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
      title={t('attr.shifts.newAssignment')}
      description={t('attr.shifts.assignmentsHint')}
      formId="shift-assignment"
      onSubmit={submit}
      submitLabel={t('attr.shifts.save')}
      submitting={save.isPending}
      formClassName="grid grid-cols-1 gap-3 sm:grid-cols-2"
    >
      <SelectField
        label={t('attr.shifts.target')}
        className="sm:col-span-2"
        value={target}
        onChange={(e) => setTarget(e.target.value as typeof target)}
      >
        <option value="employee">{t('attr.shifts.targets.employee')}</option>
        <option value="department">{t('attr.shifts.targets.department')}</option>
        <option value="organization">{t('attr.shifts.targets.organization')}</option>
      </SelectField>
      {target === 'employee' ? (
        <Field label={t('attr.shifts.employee')} className="sm:col-span-2">
          {(p) => (
            <EmployeeCombobox
              control={p}
              value={employee}
              onChange={setEmployee}
              queryKey="assignment-employee"
              noneLabel={t('attr.shifts.employee')}
            />
          )}
        </Field>
      ) : null}
      {target === 'department' ? (
        <SelectField
          label={t('attr.shifts.department')}
          className="sm:col-span-2"
          value={departmentId}
          onChange={(e) => setDepartmentId(e.target.value)}
        >
          <NamedOptions none={t('attr.shifts.chooseDepartment')} items={departments.data} />
        </SelectField>
      ) : null}
      <DateField label={t('attr.shifts.from')} value={from} onChange={(v) => setFrom(v)} />
      <DateField label={t('attr.shifts.to')} value={to} min={from} onChange={(v) => setTo(v)} />
      <SelectField
        label={t('attr.shifts.pattern')}
        className="sm:col-span-2"
        value={kind}
        onChange={(e) => setKind(e.target.value as RosterPattern['kind'])}
      >
        <option value="weekly">{t('attr.shifts.patterns.weekly')}</option>
        <option value="rotation">{t('attr.shifts.patterns.rotation')}</option>
      </SelectField>
      {kind === 'weekly' ? (
        WEEKDAYS.map((d) => (
          <ShiftSelect
            key={d}
            label={t(`attr.shifts.weekdays.${d}`)}
            value={days[d]}
            types={types}
            onChange={(v) => setDays((x) => ({ ...x, [d]: v }))}
          />
        ))
      ) : (
        <>
          <DateField
            label={t('attr.shifts.anchor')}
            className="sm:col-span-2"
            value={anchor}
            onChange={(v) => setAnchor(v)}
          />
          {cycle.map((c, i) => (
            <ShiftSelect
              key={i}
              label={t('attr.shifts.cycleDay', { n: i + 1 })}
              value={c}
              types={types}
              onChange={(v) => setCycle((x) => x.map((y, j) => (j === i ? v : y)))}
            />
          ))}
          <div className="flex flex-wrap gap-2 sm:col-span-2">
            <Button size="sm" onClick={() => setCycle((x) => [...x, null])} disabled={cycle.length >= 62}>
              {t('attr.shifts.addDay')}
            </Button>
            <Button size="sm" onClick={() => setCycle((x) => x.slice(0, -1))} disabled={cycle.length <= 1}>
              {t('attr.shifts.removeDay')}
            </Button>
          </div>
        </>
      )}
      {save.error ? (
        <div className="sm:col-span-2">
          <FormError>{errorMessage(t, save.error)}</FormError>
        </div>
      ) : null}
    </FormModal>
  );
}
