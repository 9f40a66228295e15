import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ApiToken } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { queryKeys, tokensApi } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useSession } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  Checkbox,
  FormError,
  TextField,
  ConfirmDialog,
  FormModal,
  PageHeader,
  DataTable,
  type Column,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import { SecretDialog } from '../shared/secret-dialog';

function tokenState(token: ApiToken, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) < now) return 'expired';
  return 'active';
}

export function TokensPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiToken | null>(null);
  const tokens = useQuery({ queryKey: queryKeys.tokens, queryFn: tokensApi.list });

  const revoke = useMutation({
    mutationFn: (token: ApiToken) => tokensApi.revoke(token.id),
    onSuccess: async (_r, token) => {
      toast.show(t('tokens.revokedDone', { name: token.name }));
      setToRevoke(null);
      await qc.invalidateQueries({ queryKey: queryKeys.tokens });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });

  const stateBadge = (token: ApiToken) => {
    const state = tokenState(token);
    return (
      <Badge tone={state === 'active' ? 'success' : state === 'revoked' ? 'danger' : 'neutral'}>
        {t(`tokens.${state}`)}
      </Badge>
    );
  };
  const revokeButton = (token: ApiToken) =>
    tokenState(token) === 'active' ? (
      <Button size="sm" variant="ghost" className="text-danger-text" onClick={() => setToRevoke(token)}>
        {t('tokens.revoke')}
      </Button>
    ) : null;

  const columns: Column<ApiToken>[] = [
    {
      key: 'name',
      header: t('tokens.name'),
      cell: (k) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">{k.name}</p>
          <p className="font-mono text-xs text-muted">{`${k.prefix}…`}</p>
        </div>
      ),
    },
    {
      key: 'scopes',
      header: t('tokens.scopes'),
      cell: (k) => <span className="text-xs text-muted">{k.scopes.join(', ')}</span>,
    },
    {
      key: 'created',
      header: t('tokens.created'),
      cell: (k) => <span className="text-muted">{time.date(k.createdAt)}</span>,
    },
    {
      key: 'lastUsed',
      header: t('tokens.lastUsed'),
      cell: (k) => (
        <span className="text-muted">{k.lastUsedAt ? time.dateTime(k.lastUsedAt) : t('tokens.never')}</span>
      ),
    },
    {
      key: 'expires',
      header: t('tokens.expires'),
      cell: (k) => (
        <span className="text-muted">{k.expiresAt ? time.date(k.expiresAt) : t('tokens.never')}</span>
      ),
    },
    { key: 'status', header: t('tokens.status'), cell: stateBadge },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: revokeButton,
      className: 'text-right',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('tokens.title')}
        description={t('tokens.subtitle')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            {t('tokens.create')}
          </Button>
        }
      />
      <Card>
        {tokens.isError ? (
          <LoadFailed error={tokens.error} />
        ) : (
          <DataTable
            caption={t('tokens.title')}
            columns={columns}
            rows={tokens.data}
            rowKey={(k) => k.id}
            loading={tokens.isPending}
            empty={<EmptyState icon="key" title={t('tokens.empty')} description={t('tokens.emptyHint')} />}
            mobileCard={(k) => (
              <div className="flex items-start gap-3">
                <div className="min-w-0 flex-1 space-y-1">
                  <p className="font-medium text-fg">{k.name}</p>
                  <p className="font-mono text-xs text-muted">{`${k.prefix}…`}</p>
                  {stateBadge(k)}
                </div>
                {revokeButton(k)}
              </div>
            )}
          />
        )}
      </Card>
      <CreateTokenDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(token) => {
          setCreating(false);
          setSecret(token);
        }}
      />
      <SecretDialog
        secret={secret}
        onClose={() => setSecret(null)}
        title={t('tokens.secretTitle')}
        description={t('tokens.secretBody')}
        label={t('tokens.secretLabel')}
        testId="token-secret"
      />
      <ConfirmDialog
        open={toRevoke !== null}
        title={t('tokens.revokeTitle')}
        body={toRevoke ? t('tokens.revokeBody', { name: toRevoke.name }) : ''}
        confirmLabel={t('tokens.revoke')}
        busy={revoke.isPending}
        onCancel={() => setToRevoke(null)}
        onConfirm={() => toRevoke && revoke.mutate(toRevoke)}
      />
    </>
  );
}

function CreateTokenDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (secret: string) => void;
}) {
  const { t } = useTranslation();
  const session = useSession();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['member:view']);
  const [days, setDays] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const reset = () => {
    setName('');
    setScopes(['member:view']);
    setDays('');
    setErrors({});
    setFormError(null);
  };

  const create = useMutation({
    mutationFn: tokensApi.create,
    onSuccess: async (created) => {
      await qc.invalidateQueries({ queryKey: queryKeys.tokens });
      reset();
      onCreated(created.token);
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
    if (scopes.length === 0) found.scopes = t('validation.required');
    const expires = days.trim() ? Number(days) : undefined;
    if (expires !== undefined && (!Number.isInteger(expires) || expires < 1 || expires > 3650)) {
      found.expiresInDays = t('validation.checkFields');
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({ name: name.trim(), scopes, ...(expires ? { expiresInDays: expires } : {}) });
  };

  return (
    <FormModal
      open={open}
      onClose={() => {
        reset();
        onClose();
      }}
      // Cancel closes without reset(), as before; only the dialog's own close (Esc, ×, backdrop) resets.
      onCancel={onClose}
      title={t('tokens.create')}
      formId="create-token-form"
      onSubmit={submit}
      formClassName="space-y-4"
      submitLabel={t('tokens.create')}
      submitting={create.isPending}
    >
      <TextField
        label={t('tokens.name')}
        hint={t('tokens.nameHint')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        autoComplete="off"
      />
      <fieldset>
        <legend className="text-sm font-medium text-fg">{t('tokens.scopes')}</legend>
        <p className="mb-2 text-xs text-muted">{t('tokens.scopesHint')}</p>
        <div className="grid max-h-56 gap-2 overflow-y-auto rounded-lg border border-border p-3 sm:grid-cols-2">
          {session.permissions.map((p) => (
            <Checkbox
              key={p}
              label={<span className="font-mono text-xs">{p}</span>}
              checked={scopes.includes(p)}
              onChange={(e) => setScopes((s) => (e.target.checked ? [...s, p] : s.filter((x) => x !== p)))}
            />
          ))}
        </div>
        {errors.scopes ? <p className="mt-1 text-sm text-danger-text">{errors.scopes}</p> : null}
      </fieldset>
      <TextField
        label={t('tokens.expiresInDays')}
        hint={t('tokens.expiresHint')}
        type="number"
        min={1}
        max={3650}
        value={days}
        onChange={(e) => setDays(e.target.value)}
        error={errors.expiresInDays}
        optional
      />
      <FormError>{formError}</FormError>
    </FormModal>
  );
}
