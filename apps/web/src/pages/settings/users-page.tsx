import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RoleName, type OrgUser } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { queryKeys, usersApi } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useSession } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  Button,
  Card,
  type Column,
  ConfirmDialog,
  DataTable,
  EmptyState,
  FormError,
  FormModal,
  Icon,
  PageHeader,
  Select,
  SelectField,
  TextField,
  useToast,
} from '@hadir/ui';
import { EmployeeLinkCell } from './user-employee-link';
import { InvitationsCard } from './invitations-card';
import { LoadFailed } from '../shared/load-failed';
import { roleKeys, rolesApi } from '../roles/roles-api';

export function UsersPage() {
  const { t } = useTranslation();
  const session = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const [adding, setAdding] = useState(false);
  const [toRemove, setToRemove] = useState<OrgUser | null>(null);
  const users = useQuery({ queryKey: queryKeys.users, queryFn: usersApi.list });

  const roles = useQuery({ queryKey: roleKeys.all, queryFn: rolesApi.catalog });
  const customRoles = roles.data?.custom ?? [];
  // A custom role travels as `custom:<id>` in the one role select; built-in roles by name.
  const changeRole = useMutation({
    mutationFn: async ({ user, role }: { user: OrgUser; role: string }) => {
      if (role.startsWith('custom:')) await rolesApi.assign(user.userId, role.slice('custom:'.length));
      else await usersApi.update(user.userId, { role: role as RoleName });
      return user;
    },
    onSuccess: async (u) => {
      toast.show(t('users.roleChanged', { name: u.name }));
      await qc.invalidateQueries({ queryKey: queryKeys.users });
      await qc.invalidateQueries({ queryKey: roleKeys.all });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });
  const remove = useMutation({
    mutationFn: (u: OrgUser) => usersApi.remove(u.userId),
    onSuccess: async (_r, u) => {
      toast.show(t('users.removed', { name: u.name }));
      setToRemove(null);
      await qc.invalidateQueries({ queryKey: queryKeys.users });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });

  const isSelf = (u: OrgUser) => u.userId === session.user.id;
  const roleSelect = (u: OrgUser) =>
    isSelf(u) ? (
      <Badge tone="primary">{u.customRoleName ?? t(`roles.${u.role}`)}</Badge>
    ) : (
      <Select
        aria-label={t('users.changeRole', { name: u.name })}
        value={u.customRoleId ? `custom:${u.customRoleId}` : u.role}
        onChange={(e) => changeRole.mutate({ user: u, role: e.target.value })}
        className="h-9 w-40"
      >
        {RoleName.options.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
        {customRoles.length > 0 ? (
          <optgroup label={t('rolesPage.custom')}>
            {customRoles.map((r) => (
              <option key={r.id} value={`custom:${r.id}`}>
                {r.name}
              </option>
            ))}
          </optgroup>
        ) : null}
      </Select>
    );
  const removeButton = (u: OrgUser) =>
    isSelf(u) ? null : (
      <Button
        variant="ghost"
        size="sm"
        className="text-danger-text"
        onClick={() => setToRemove(u)}
        aria-label={`${t('users.remove')}: ${u.name}`}
        title={t('users.remove')}
      >
        <Icon name="trash" size={18} />
      </Button>
    );

  const columns: Column<OrgUser>[] = [
    {
      key: 'name',
      header: t('users.name'),
      cell: (u) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">
            {u.name}
            {isSelf(u) ? (
              <span className="ml-2 text-xs font-normal text-muted">({t('users.you')})</span>
            ) : null}
          </p>
          <p className="truncate text-xs text-muted">{u.email}</p>
        </div>
      ),
    },
    { key: 'role', header: t('users.role'), cell: roleSelect },
    { key: 'employee', header: t('lv.link.employee'), cell: (u) => <EmployeeLinkCell user={u} /> },
    {
      key: 'since',
      header: t('users.since'),
      cell: (u) => <span className="text-muted">{time.date(u.createdAt)}</span>,
    },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: removeButton,
      className: 'w-16 text-right',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('users.title')}
        description={t('users.subtitle')}
        actions={
          <Button icon="plus" onClick={() => setAdding(true)}>
            {t('users.add')}
          </Button>
        }
      />
      <Card>
        {users.isError ? (
          <LoadFailed error={users.error} />
        ) : (
          <DataTable
            caption={t('users.title')}
            columns={columns}
            rows={users.data}
            rowKey={(u) => u.userId}
            loading={users.isPending}
            empty={<EmptyState icon="users" title={t('users.empty')} />}
            mobileCard={(u) => (
              <div className="space-y-2">
                <div className="flex items-start gap-2">
                  <div className="min-w-0 flex-1">{columns[0]?.cell(u)}</div>
                  {removeButton(u)}
                </div>
                {roleSelect(u)}
                <EmployeeLinkCell user={u} />
              </div>
            )}
          />
        )}
      </Card>
      <InvitationsCard />
      <AddUserDialog open={adding} onClose={() => setAdding(false)} />
      <ConfirmDialog
        open={toRemove !== null}
        title={t('users.removeTitle')}
        body={toRemove ? t('users.removeBody', { name: toRemove.name }) : ''}
        confirmLabel={t('users.remove')}
        busy={remove.isPending}
        onCancel={() => setToRemove(null)}
        onConfirm={() => toRemove && remove.mutate(toRemove)}
      />
    </>
  );
}

function AddUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<RoleName>('member');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const close = () => {
    setName('');
    setEmail('');
    setPassword('');
    setRole('member');
    setErrors({});
    setFormError(null);
    onClose();
  };

  const create = useMutation({
    mutationFn: usersApi.create,
    onSuccess: async (u) => {
      toast.show(t('users.created', { name: u.name }));
      await qc.invalidateQueries({ queryKey: queryKeys.users });
      close();
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors(error.fieldErrors());
      setFormError(errorMessage(t, error));
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = t('validation.required');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = t('validation.email');
    if (password && password.length < 10) found.password = t('validation.passwordLength');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({ name: name.trim(), email: email.trim(), role, ...(password ? { password } : {}) });
  };

  return (
    <FormModal
      open={open}
      onClose={close}
      title={t('users.add')}
      formId="add-user-form"
      onSubmit={submit}
      formClassName="space-y-4"
      submitLabel={t('users.add')}
      submitting={create.isPending}
    >
      <TextField
        label={t('users.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        autoComplete="off"
      />
      <TextField
        label={t('users.email')}
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
        autoComplete="off"
      />
      <TextField
        label={t('users.password')}
        hint={t('users.passwordHint')}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
        autoComplete="new-password"
        optional
      />
      <SelectField label={t('users.role')} value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
        {RoleName.options.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
      </SelectField>
      <FormError>{formError}</FormError>
    </FormModal>
  );
}
