import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { invitationsApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { AuthLayout } from '../../shell/app-shell';
import { Button, ButtonLink, Card, CardBody, CardHeader, FormError, PageSpinner, TextField } from '@hadir/ui';

const STORAGE_KEY = 'hadir.invite';

/**
 * The invitation token arrives in the URL fragment (/invite#<token>), which browsers never send to the
 * server, so it stays out of request logs; it is kept for this tab while the person signs in.
 */
function inviteToken(): string | null {
  const fromHash = window.location.hash.replace(/^#/, '');
  try {
    if (fromHash) sessionStorage.setItem(STORAGE_KEY, fromHash);
    return fromHash || sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return fromHash || null;
  }
}

function forgetToken() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // private mode: nothing was stored
  }
}

/** /invite — accept an invitation: signed in (existing account) or by creating an account. */
export function InvitePage({ signedIn }: { signedIn: boolean }) {
  const { t } = useTranslation();
  const [token] = useState(inviteToken);
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => invitationsApi.preview(token!),
    enabled: token !== null,
    retry: false,
  });

  let body;
  if (!token) body = <FormError>{t('sec.accept.noToken')}</FormError>;
  else if (preview.isPending) body = <PageSpinner />;
  else if (preview.isError) {
    body = (
      <FormError>
        {preview.error instanceof ApiError && preview.error.status === 404
          ? t('sec.accept.invalid')
          : errorMessage(t, preview.error)}
      </FormError>
    );
  } else {
    const p = preview.data;
    body = (
      <Card>
        <CardHeader
          title={t('sec.accept.title', { organization: p.organizationName })}
          description={t('sec.accept.body', { role: t(`roles.${p.role}`), email: p.email })}
        />
        <CardBody className="space-y-6">
          {signedIn ? (
            <AcceptSignedIn token={token} email={p.email} organization={p.organizationName} />
          ) : (
            <>
              <div className="space-y-2">
                <p className="text-sm font-medium text-fg">{t('sec.accept.haveAccount')}</p>
                <ButtonLink to="/login?next=%2Finvite">{t('sec.accept.signIn')}</ButtonLink>
              </div>
              <Register token={token} email={p.email} />
            </>
          )}
        </CardBody>
      </Card>
    );
  }
  return <AuthLayout>{body}</AuthLayout>;
}

function AcceptSignedIn({
  token,
  email,
  organization,
}: {
  token: string;
  email: string;
  organization: string;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: () => invitationsApi.accept(token),
    onSuccess: async () => {
      forgetToken();
      await qc.invalidateQueries({ queryKey: queryKeys.boot });
      void navigate('/', { replace: true });
    },
  });
  return (
    <div className="space-y-3">
      <Button variant="primary" loading={accept.isPending} onClick={() => accept.mutate()}>
        {t('sec.accept.acceptAs', { email })}
      </Button>
      {accept.isSuccess ? <p role="status">{t('sec.accept.accepted', { organization })}</p> : null}
      {accept.isError ? <FormError>{errorMessage(t, accept.error)}</FormError> : null}
    </div>
  );
}

function Register({ token, email }: { token: string; email: string }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const register = useMutation({
    mutationFn: () => invitationsApi.register({ token, name: name.trim(), password }),
    onSuccess: () => forgetToken(),
    onError: (error) => {
      if (error instanceof ApiError) setFieldErrors(error.fieldErrors());
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = t('validation.required');
    if (password.length < 10) found.password = t('validation.passwordLength');
    setFieldErrors(found);
    if (Object.keys(found).length === 0) register.mutate();
  };
  if (register.isSuccess) {
    return (
      <div className="space-y-3">
        <p role="status" className="text-sm text-fg">
          {t('sec.accept.createdSignIn', { email })}
        </p>
        <ButtonLink to="/login">{t('sec.accept.signIn')}</ButtonLink>
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="space-y-4 border-t border-border pt-4">
      <p className="text-sm font-medium text-fg">{t('sec.accept.newAccount')}</p>
      <TextField label={t('sec.invitations.email')} value={email} readOnly autoComplete="username" />
      <TextField
        label={t('sec.accept.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldErrors.name}
        autoComplete="name"
      />
      <TextField
        label={t('sec.accept.password')}
        hint={t('sec.accept.passwordHint')}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldErrors.password}
        autoComplete="new-password"
      />
      {register.isError ? <FormError>{errorMessage(t, register.error)}</FormError> : null}
      <Button type="submit" variant="primary" loading={register.isPending}>
        {t('sec.accept.create')}
      </Button>
    </form>
  );
}
