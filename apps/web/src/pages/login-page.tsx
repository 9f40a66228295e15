import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { authApi } from '../api/endpoints';
import { errorMessage } from '../api/errors';
import { useAdoptSession } from '../auth/session';
import { AuthLayout } from '../shell/app-shell';
import { Button, Card, CardBody, FormError, TextField, PageHeader } from '@hadir/ui';

export function loginErrorMessage(t: Parameters<typeof errorMessage>[0], error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401 || error.code === 'validation_failed') return t('auth.wrongPassword');
    if (error.status === 423) return t('auth.locked');
    if (error.status === 429) return t('auth.rateLimited');
  }
  return errorMessage(t, error);
}

/**
 * Members and officers work in the mobile app (/m/); the website is for management only. A custom role
 * (kept on the member base role) is an organization's own management role: it uses the website.
 */
export function isAppOnlyRole(role: string | null, customRoleName: string | null = null): boolean {
  return customRoleName === null && (role === 'member' || role === 'officer');
}

export function LoginPage() {
  const { t } = useTranslation();
  const adopt = useAdoptSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      // The gate re-renders into the app (or the organization picker) once the session is stored.
      const session = await authApi.login(email.trim(), password);
      if (isAppOnlyRole(session.role, session.customRoleName ?? null)) {
        // Refused here with the way to the app; the website session is closed again at once.
        await authApi.logout().catch(() => undefined);
        setError(t('dev.appOnly', { url: `${window.location.origin}/m/` }));
        setBusy(false);
        return;
      }
      await adopt(session);
    } catch (err) {
      setError(loginErrorMessage(t, err));
      setBusy(false);
    }
  };

  return (
    <AuthLayout>
      <PageHeader title={t('auth.title')} description={t('auth.subtitle')} />
      <Card>
        <CardBody>
          <form onSubmit={(e) => void submit(e)} className="space-y-4">
            <TextField
              label={t('auth.email')}
              type="email"
              name="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
              autoFocus
            />
            <TextField
              label={t('auth.password')}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            <FormError>{error}</FormError>
            <Button type="submit" variant="primary" loading={busy} className="w-full">
              {busy ? t('auth.submitting') : t('auth.submit')}
            </Button>
          </form>
        </CardBody>
      </Card>
    </AuthLayout>
  );
}
