import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RoleName, type Invitation, type InvitationCreated } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { invitationsApi } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ConfirmDialog,
  EmptyState,
  FormError,
  FormModal,
  Modal,
  SelectField,
  TextField,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';

const invitationsKey = ['invitations'] as const;

/** Pending invitations of the organization, with invite and revoke (users page). */
export function InvitationsCard() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const [inviting, setInviting] = useState(false);
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const [toRevoke, setToRevoke] = useState<Invitation | null>(null);
  const list = useQuery({ queryKey: invitationsKey, queryFn: invitationsApi.list });
  const revoke = useMutation({
    mutationFn: (i: Invitation) => invitationsApi.revoke(i.id),
    onSuccess: async () => {
      toast.show(t('sec.invitations.revoked'));
      setToRevoke(null);
      await qc.invalidateQueries({ queryKey: invitationsKey });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });

  return (
    <Card className="mt-4" data-testid="invitations">
      <CardHeader
        title={t('sec.invitations.title')}
        description={t('sec.invitations.subtitle')}
        actions={
          <Button variant="primary" icon="plus" size="sm" onClick={() => setInviting(true)}>
            {t('sec.invitations.invite')}
          </Button>
        }
      />
      <CardBody>
        {list.isError ? (
          <LoadFailed error={list.error} />
        ) : list.data && list.data.items.length === 0 ? (
          <EmptyState icon="users" title={t('sec.invitations.empty')} />
        ) : (
          <ul className="divide-y divide-border">
            {(list.data?.items ?? []).map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div className="min-w-0">
                  <p className="truncate font-medium text-fg">{i.email}</p>
                  <p className="text-xs text-muted">
                    {t('sec.invitations.expires', { date: time.dateTime(i.expiresAt) })}
                    {i.invitedBy ? ` · ${t('sec.invitations.invitedBy', { name: i.invitedBy })}` : null}
                  </p>
                </div>
                <div className="flex items-center gap-2">
                  <Badge tone="primary">{t(`roles.${i.role}`)}</Badge>
                  <Button size="sm" variant="ghost" onClick={() => setToRevoke(i)}>
                    {t('sec.invitations.revoke')}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
      <InviteDialog
        open={inviting}
        onClose={() => setInviting(false)}
        onCreated={async (c) => {
          setInviting(false);
          setCreated(c);
          toast.show(t('sec.invitations.created', { email: c.invitation.email }));
          await qc.invalidateQueries({ queryKey: invitationsKey });
        }}
      />
      {created ? <LinkDialog created={created} onClose={() => setCreated(null)} /> : null}
      <ConfirmDialog
        open={toRevoke !== null}
        title={t('sec.invitations.revokeTitle')}
        body={toRevoke ? t('sec.invitations.revokeBody', { email: toRevoke.email }) : ''}
        confirmLabel={t('sec.invitations.revoke')}
        busy={revoke.isPending}
        onCancel={() => setToRevoke(null)}
        onConfirm={() => toRevoke && revoke.mutate(toRevoke)}
      />
    </Card>
  );
}

function InviteDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (c: InvitationCreated) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleName>('member');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const reset = () => {
    setEmail('');
    setRole('member');
    setErrors({});
    setFormError(null);
  };
  const create = useMutation({
    mutationFn: invitationsApi.create,
    onSuccess: async (c) => {
      reset();
      await onCreated(c);
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors(error.fieldErrors());
      setFormError(errorMessage(t, error));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setErrors({ email: t('validation.email') });
      return;
    }
    create.mutate({ email: email.trim(), role });
  };
  return (
    <FormModal
      open={open}
      onClose={() => {
        reset();
        onClose();
      }}
      title={t('sec.invitations.invite')}
      formId="invite-form"
      onSubmit={submit}
      formClassName="space-y-4"
      submitLabel={t('sec.invitations.send')}
      submitting={create.isPending}
    >
      <TextField
        label={t('sec.invitations.email')}
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
        autoComplete="off"
      />
      <SelectField
        label={t('sec.invitations.role')}
        value={role}
        onChange={(e) => setRole(e.target.value as RoleName)}
      >
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

/** The accept link, shown once (the server keeps only the token's hash). */
function LinkDialog({ created, onClose }: { created: InvitationCreated; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const link = `${window.location.origin}${created.acceptPath}`;
  return (
    <Modal
      open
      onClose={onClose}
      size="sm"
      title={t('sec.invitations.linkTitle', { email: created.invitation.email })}
      description={t('sec.invitations.linkBody')}
      footer={
        <>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button
            variant="primary"
            onClick={() => {
              void navigator.clipboard?.writeText(link).then(() => toast.show(t('sec.invitations.copied')));
            }}
          >
            {t('sec.invitations.copy')}
          </Button>
        </>
      }
    >
      <TextField label={t('sec.invitations.linkLabel')} value={link} readOnly data-testid="invite-link" />
    </Modal>
  );
}
