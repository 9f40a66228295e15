import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Locale } from '@hadir/contracts';
import { ApiError } from '../api/client';
import { authApi } from '../api/endpoints';
import { errorMessage } from '../api/errors';
import { useAdoptSession } from '../auth/session';
import { LOCALES, LOCALE_NAMES, currentLocale, setLocale } from '../i18n';
import { COMMON_TIME_ZONES, zoneOffsetLabel } from '../i18n/format';
import { AuthLayout } from '../shell/app-shell';
import {
  Button,
  Card,
  CardBody,
  FormError,
  SelectField,
  TextField,
  useToast,
  PageHeader,
  cx,
} from '@hadir/ui';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
type Errors = Partial<
  Record<'orgName' | 'timeZone' | 'adminName' | 'email' | 'password' | 'confirm', string>
>;

/** First run: create the organization and its administrator; lands signed in. */
export function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const adopt = useAdoptSession();
  const toast = useToast();
  const [step, setStep] = useState<1 | 2>(1);
  const [orgName, setOrgName] = useState('');
  const [timeZone, setTimeZone] = useState('Asia/Jakarta');
  const [locale, setLocaleState] = useState<Locale>(currentLocale());
  const [adminName, setAdminName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Editing a field clears its error (and the banner) so stale messages never linger. */
  const edit = (field: keyof Errors, apply: () => void) => {
    apply();
    setFormError(null);
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const validateStep1 = (): Errors =>
    !orgName.trim()
      ? { orgName: t('validation.required') }
      : orgName.trim().length < 2
        ? { orgName: t('validation.tooShort') }
        : {};
  const validateStep2 = (): Errors => {
    const e: Errors = {};
    if (!adminName.trim()) e.adminName = t('validation.required');
    if (!EMAIL_RE.test(email.trim())) e.email = t('validation.email');
    if (password.length < 10) e.password = t('validation.passwordLength');
    if (confirm !== password) e.confirm = t('validation.passwordMismatch');
    return e;
  };

  const next = (e: FormEvent) => {
    e.preventDefault();
    const found = validateStep1();
    setErrors(found);
    if (Object.keys(found).length === 0) setStep(2);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateStep2();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const session = await authApi.setup({
        organization: { name: orgName.trim(), timeZone, locale },
        admin: { name: adminName.trim(), email: email.trim(), password },
      });
      await adopt(session);
      toast.show(t('setup.welcome', { name: session.user.name }));
      void navigate('/', { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'validation_failed') {
        const fe = error.fieldErrors();
        const mapped: Errors = {
          orgName: fe['organization.name'],
          timeZone: fe['organization.timeZone'],
          adminName: fe['admin.name'],
          email: fe['admin.email'],
          password: fe['admin.password'],
        };
        setErrors(mapped);
        if (mapped.orgName || mapped.timeZone) setStep(1);
      }
      setFormError(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  const steps = [t('setup.stepOrganization'), t('setup.stepAdmin')];
  return (
    <AuthLayout wide>
      <PageHeader title={t('setup.title')} description={t('setup.subtitle')} />
      <ol
        className="mb-4 flex items-center gap-2 text-sm"
        aria-label={t('setup.stepOf', { current: step, total: 2 })}
      >
        {steps.map((label, i) => (
          <li
            key={label}
            className="flex min-w-0 flex-1 items-center gap-2"
            aria-current={step === i + 1 ? 'step' : undefined}
          >
            <span
              className={cx(
                'flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-xs font-semibold',
                step >= i + 1 ? 'bg-primary text-primary-fg' : 'bg-surface-2 text-muted',
              )}
            >
              {i + 1}
            </span>
            <span className={cx('truncate', step === i + 1 ? 'font-medium text-fg' : 'text-muted')}>
              {label}
            </span>
            {i === 0 ? <span aria-hidden="true" className="h-px flex-1 bg-border" /> : null}
          </li>
        ))}
      </ol>
      <Card>
        <CardBody>
          {step === 1 ? (
            <form onSubmit={next} noValidate className="space-y-4">
              <TextField
                label={t('setup.orgName')}
                hint={t('setup.orgNameHint')}
                value={orgName}
                onChange={(e) => edit('orgName', () => setOrgName(e.target.value))}
                error={errors.orgName}
                autoComplete="organization"
                required
                autoFocus
                name="orgName"
              />
              <SelectField
                label={t('setup.timeZone')}
                hint={t('setup.timeZoneHint')}
                value={timeZone}
                onChange={(e) => setTimeZone(e.target.value)}
                error={errors.timeZone}
                name="timeZone"
              >
                {COMMON_TIME_ZONES.map((z) => (
                  <option key={z} value={z}>
                    {`${z.replace(/_/g, ' ')} (${zoneOffsetLabel(z)})`}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label={t('setup.language')}
                hint={t('setup.languageHint')}
                value={locale}
                name="locale"
                onChange={(e) => {
                  const lng = e.target.value as Locale;
                  setLocaleState(lng);
                  void setLocale(lng);
                }}
              >
                {LOCALES.map((l) => (
                  <option key={l} value={l} lang={l}>
                    {LOCALE_NAMES[l]}
                  </option>
                ))}
              </SelectField>
              <FormError>{formError}</FormError>
              <div className="flex justify-end pt-2">
                <Button type="submit" variant="primary" icon="chevronRight">
                  {t('common.next')}
                </Button>
              </div>
            </form>
          ) : (
            <form onSubmit={(e) => void submit(e)} noValidate className="space-y-4">
              <TextField
                label={t('setup.adminName')}
                value={adminName}
                onChange={(e) => edit('adminName', () => setAdminName(e.target.value))}
                error={errors.adminName}
                autoComplete="name"
                name="adminName"
                autoFocus
              />
              <TextField
                label={t('setup.email')}
                type="email"
                value={email}
                onChange={(e) => edit('email', () => setEmail(e.target.value))}
                error={errors.email}
                autoComplete="email"
                name="email"
              />
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField
                  label={t('setup.password')}
                  hint={t('setup.passwordHint')}
                  type="password"
                  value={password}
                  onChange={(e) => edit('password', () => setPassword(e.target.value))}
                  error={errors.password}
                  autoComplete="new-password"
                  name="password"
                />
                <TextField
                  label={t('setup.confirmPassword')}
                  type="password"
                  value={confirm}
                  onChange={(e) => edit('confirm', () => setConfirm(e.target.value))}
                  error={errors.confirm}
                  autoComplete="new-password"
                  name="confirmPassword"
                />
              </div>
              <FormError>{formError}</FormError>
              <div className="flex flex-wrap justify-between gap-2 pt-2">
                <Button onClick={() => setStep(1)} icon="chevronLeft" disabled={busy}>
                  {t('common.back')}
                </Button>
                <Button type="submit" variant="primary" loading={busy}>
                  {busy ? t('setup.submitting') : t('setup.submit')}
                </Button>
              </div>
            </form>
          )}
        </CardBody>
      </Card>
    </AuthLayout>
  );
}
