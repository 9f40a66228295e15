import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { EmployeeInput, EmployeeStatus, type Employee } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { employeesApi, orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import {
  Button,
  ButtonLink,
  Card,
  CardBody,
  CardHeader,
  AsyncCombobox,
  type ComboOption,
  EmptyState,
  Icon,
  Field,
  FormError,
  NamedOptions,
  SelectField,
  TextField,
  PageHeader,
  PageSpinner,
  useToast,
} from '@hadir/ui';

type FormState = {
  employeeCode: string;
  badgeId: string;
  name: string;
  departmentId: string;
  positionId: string;
  areaId: string;
  email: string;
  phone: string;
  whatsapp: string;
  supervisor: ComboOption | null;
  status: EmployeeStatus;
};
type FieldName = Exclude<keyof FormState, 'supervisor'> | 'supervisorId';
type Errors = Partial<Record<FieldName, string>>;

function fromEmployee(e: Employee | undefined): FormState {
  return {
    employeeCode: e?.employeeCode ?? '',
    badgeId: e?.badgeId ?? '',
    name: e?.name ?? '',
    departmentId: e?.departmentId ?? '',
    positionId: e?.positionId ?? '',
    areaId: e?.areaId ?? '',
    email: e?.email ?? '',
    phone: e?.phone ?? '',
    whatsapp: e?.whatsapp ?? '',
    supervisor: e?.supervisorId ? { id: e.supervisorId, label: e.supervisorName ?? e.supervisorId } : null,
    status: e?.status ?? 'active',
  };
}

function toInput(f: FormState) {
  return {
    employeeCode: f.employeeCode,
    badgeId: f.badgeId,
    name: f.name,
    departmentId: f.departmentId || null,
    positionId: f.positionId || null,
    areaId: f.areaId || null,
    email: f.email,
    phone: f.phone,
    whatsapp: f.whatsapp,
    supervisorId: f.supervisor?.id ?? null,
    status: f.status,
  };
}

export function EmployeeCreatePage() {
  return <EmployeeForm />;
}

export function EmployeeEditPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const employee = useQuery({ queryKey: queryKeys.employee(id), queryFn: () => employeesApi.get(id) });
  if (employee.isPending) return <PageSpinner />;
  if (employee.isError) {
    return (
      <Card>
        <EmptyState
          icon="alert"
          title={
            employee.error instanceof ApiError && employee.error.status === 404
              ? t('common.notFoundTitle')
              : t('common.loadFailed')
          }
          description={errorMessage(t, employee.error)}
          action={<ButtonLink to="/employees">{t('common.back')}</ButtonLink>}
        />
      </Card>
    );
  }
  return <EmployeeForm employee={employee.data} key={employee.data.id} />;
}

function EmployeeForm({ employee }: { employee?: Employee }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const toast = useToast();
  const qc = useQueryClient();
  const [form, setForm] = useState<FormState>(() => fromEmployee(employee));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const canRegisterFaces = useCan('member:face:register');
  const canViewFaces = useCan('member:face:view');
  const facesHref = employee ? `/employees/${encodeURIComponent(employee.id)}/faces` : null;

  const departments = useQuery({
    queryKey: queryKeys.departments,
    queryFn: orgApi.departments,
    staleTime: 60_000,
  });
  const positions = useQuery({ queryKey: queryKeys.positions, queryFn: orgApi.positions, staleTime: 60_000 });
  const areas = useQuery({ queryKey: queryKeys.areas, queryFn: orgApi.areas, staleTime: 60_000 });

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setFormError(null);
    const errorKey = key === 'supervisor' ? 'supervisorId' : key;
    if (errors[errorKey as FieldName]) setErrors((e) => ({ ...e, [errorKey]: undefined }));
  };

  /** Our own translated message per field; zod's messages are English. */
  const messageFor = (field: FieldName): string => {
    if (field === 'employeeCode')
      return form.employeeCode.trim() ? t('validation.code') : t('validation.required');
    if (field === 'email') return t('validation.email');
    if (field === 'phone' || field === 'whatsapp') return t('validation.phone');
    if (field === 'name') return t('validation.required');
    return t('validation.checkFields');
  };

  const save = useMutation({
    mutationFn: (input: EmployeeInput) =>
      employee ? employeesApi.update(employee.id, input) : employeesApi.create(input),
    onSuccess: async (saved) => {
      toast.show(
        employee
          ? t('employees.form.updated', { name: saved.name })
          : t('employees.form.created', { name: saved.name }),
      );
      await qc.invalidateQueries({ queryKey: queryKeys.employees });
      void navigate('/employees');
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        const fe = error.fieldErrors();
        const mapped: Errors = {};
        for (const [path, message] of Object.entries(fe)) {
          const field = path.split('.')[0] as FieldName;
          mapped[field] = message;
        }
        if (error.status === 409 && /code/i.test(error.code + error.message))
          mapped.employeeCode = error.message;
        setErrors(mapped);
      }
      setFormError(errorMessage(t, error));
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    // Same schema as the server, so most mistakes are caught before the round trip.
    const parsed = EmployeeInput.safeParse(toInput(form));
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]) as FieldName;
        found[field] ??= messageFor(field);
      }
      setErrors(found);
      setFormError(t('validation.checkFields'));
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  };

  const title = employee ? t('employees.form.editTitle') : t('employees.form.createTitle');
  return (
    <>
      <PageHeader
        title={title}
        description={employee ? `${employee.name} · ${employee.employeeCode}` : undefined}
      />
      {employee && (canRegisterFaces || canViewFaces) ? (
        <Card className="mb-4">
          <div className="flex flex-wrap items-center gap-3 px-4 py-3 sm:px-5">
            <span
              className={
                employee.faceSamples > 0
                  ? 'flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-accent-soft text-accent-text'
                  : 'flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-warning-soft text-warning-text'
              }
            >
              <Icon name="userScan" size={20} />
            </span>
            <div className="min-w-48 flex-1">
              <p className="text-sm font-medium text-fg">{t('employees.form.faces')}</p>
              <p className="text-sm text-muted" data-testid="employee-face-count">
                {employee.faceSamples > 0
                  ? t('employees.form.faceCount', { count: employee.faceSamples })
                  : t('employees.form.noFaces')}
              </p>
            </div>
            {facesHref ? (
              <ButtonLink
                to={facesHref}
                size="sm"
                variant={employee.faceSamples > 0 ? 'secondary' : 'primary'}
                icon={employee.faceSamples > 0 ? 'userScan' : 'plus'}
                data-testid="employee-faces-link"
                className="w-full sm:w-auto"
              >
                {employee.faceSamples > 0 || !canRegisterFaces
                  ? t('employees.form.manageFaces')
                  : t('employees.form.addFaces')}
              </ButtonLink>
            ) : null}
          </div>
        </Card>
      ) : null}
      <form onSubmit={submit} noValidate className="space-y-4">
        <Card>
          <CardHeader title={t('employees.form.identity')} />
          <CardBody className="grid gap-4 sm:grid-cols-2">
            <TextField
              label={t('employees.form.code')}
              hint={t('employees.form.codeHint')}
              name="employeeCode"
              value={form.employeeCode}
              onChange={(e) => set('employeeCode', e.target.value)}
              error={errors.employeeCode}
              autoComplete="off"
              required
            />
            <TextField
              label={t('employees.form.badge')}
              hint={t('employees.form.badgeHint')}
              name="badgeId"
              value={form.badgeId}
              onChange={(e) => set('badgeId', e.target.value)}
              error={errors.badgeId}
              optional
              autoComplete="off"
            />
            <TextField
              label={t('employees.form.name')}
              name="name"
              value={form.name}
              onChange={(e) => set('name', e.target.value)}
              error={errors.name}
              className="sm:col-span-2"
              autoComplete="off"
              required
            />
            <SelectField
              label={t('employees.form.status')}
              name="status"
              value={form.status}
              onChange={(e) => set('status', e.target.value as EmployeeStatus)}
              error={errors.status}
            >
              {EmployeeStatus.options.map((s) => (
                <option key={s} value={s}>
                  {t(`employees.statuses.${s}`)}
                </option>
              ))}
            </SelectField>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title={t('employees.form.organization')} />
          <CardBody className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label={t('employees.form.department')}
              name="departmentId"
              value={form.departmentId}
              onChange={(e) => set('departmentId', e.target.value)}
              error={errors.departmentId}
            >
              <NamedOptions none={t('employees.form.noDepartment')} items={departments.data} />
            </SelectField>
            <SelectField
              label={t('employees.form.position')}
              name="positionId"
              value={form.positionId}
              onChange={(e) => set('positionId', e.target.value)}
              error={errors.positionId}
            >
              <NamedOptions none={t('employees.form.noPosition')} items={positions.data} />
            </SelectField>
            <SelectField
              label={t('employees.form.area')}
              hint={t('employees.form.areaHint')}
              name="areaId"
              value={form.areaId}
              onChange={(e) => set('areaId', e.target.value)}
              error={errors.areaId}
            >
              <NamedOptions none={t('employees.form.noArea')} items={areas.data} />
            </SelectField>
            <Field label={t('employees.form.supervisor')} error={errors.supervisorId}>
              {(control) => (
                <AsyncCombobox
                  control={control}
                  value={form.supervisor}
                  onChange={(o) => set('supervisor', o)}
                  queryKey="supervisor-search"
                  exclude={employee?.id}
                  placeholder={t('employees.form.supervisorPlaceholder')}
                  noneLabel={t('employees.form.noSupervisor')}
                  emptyLabel={t('employees.form.noResults')}
                  search={async (q) =>
                    (
                      await employeesApi.list({ q: q || undefined, pageSize: 10, sort: 'name', order: 'asc' })
                    ).items.map((e) => ({ id: e.id, label: e.name, detail: e.employeeCode }))
                  }
                />
              )}
            </Field>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title={t('employees.form.contact')} />
          <CardBody className="grid gap-4 sm:grid-cols-2">
            <TextField
              label={t('employees.form.email')}
              type="email"
              name="email"
              value={form.email}
              onChange={(e) => set('email', e.target.value)}
              error={errors.email}
              optional
              autoComplete="off"
              className="sm:col-span-2"
            />
            <TextField
              label={t('employees.form.phone')}
              type="tel"
              name="phone"
              value={form.phone}
              onChange={(e) => set('phone', e.target.value)}
              error={errors.phone}
              optional
              inputMode="tel"
              placeholder="+6281234567890"
            />
            <TextField
              label={t('employees.form.whatsapp')}
              hint={t('employees.form.whatsappHint')}
              type="tel"
              name="whatsapp"
              value={form.whatsapp}
              onChange={(e) => set('whatsapp', e.target.value)}
              error={errors.whatsapp}
              optional
              inputMode="tel"
              placeholder="+6281234567890"
            />
          </CardBody>
        </Card>

        <FormError>{formError}</FormError>
        <div className="flex flex-wrap justify-end gap-2">
          <ButtonLink to="/employees">{t('common.cancel')}</ButtonLink>
          <Button type="submit" variant="primary" loading={save.isPending}>
            {save.isPending ? t('common.saving') : t('common.save')}
          </Button>
        </div>
      </form>
    </>
  );
}
