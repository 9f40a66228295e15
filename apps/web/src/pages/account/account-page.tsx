import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Password, type Locale } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { authApi } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useAdoptSession, useSession } from '../../auth/session';
import { LOCALES, LOCALE_NAMES, currentLocale } from '../../i18n';
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  FormError,
  SelectField,
  TextField,
  PageHeader,
  useToast,
} from '@hadir/ui';

/** The signed-in user's own profile: name, language and password (PATCH /api/auth/me). */
export function AccountPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('account.title')} description={t('account.subtitle')} />
      <div className="grid gap-4 lg:grid-cols-2 lg:items-start">
        <ProfileCard />
        <PasswordCard />
      </div>
    </>
  );
}

function ProfileCard() {
  const { t } = useTranslation();
  const session = useSession();
  const adopt = useAdoptSession();
  const toast = useToast();
  const [name, setName] = useState(session.user.name);
  // The language on screen: the top-bar language menu also saves it on the account.
  const [locale, setLocaleChoice] = useState<Locale>(() => currentLocale());
  const [nameError, setNameError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: (body: { name: string; locale: Locale }) => authApi.updateMe(body),
    onSuccess: async (next) => {
      // Adopting the returned session updates the name in the top bar and applies the language.
      await adopt(next);
      toast.show(t('account.profileSaved'));
    },
    onError: (error) => setFormError(errorMessage(t, error)),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const trimmed = name.trim();
    if (!trimmed) {
      setNameError(t('validation.required'));
      return;
    }
    setNameError(undefined);
    save.mutate({ name: trimmed, locale });
  };

  return (
    <Card>
      <CardHeader title={t('account.profile')} />
      <form onSubmit={submit} noValidate>
        <CardBody className="space-y-4">
          <TextField
            label={t('account.name')}
            name="name"
            value={name}
            maxLength={120}
            autoComplete="name"
            onChange={(e) => setName(e.target.value)}
            error={nameError}
          />
          <TextField
            label={t('account.email')}
            hint={t('account.emailHint')}
            name="email"
            type="email"
            value={session.user.email}
            readOnly
            disabled
          />
          <SelectField
            label={t('account.language')}
            hint={t('account.languageHint')}
            name="locale"
            value={locale}
            onChange={(e) => setLocaleChoice(e.target.value as Locale)}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LOCALE_NAMES[l]}
              </option>
            ))}
          </SelectField>
          <FormError>{formError}</FormError>
          <div className="flex justify-end">
            <Button type="submit" variant="primary" loading={save.isPending}>
              {save.isPending ? t('common.saving') : t('account.saveProfile')}
            </Button>
          </div>
        </CardBody>
      </form>
    </Card>
  );
}

type PasswordErrors = Partial<Record<'currentPassword' | 'newPassword' | 'confirmPassword', string>>;

function PasswordCard() {
  const { t } = useTranslation();
  const toast = useToast();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [errors, setErrors] = useState<PasswordErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => authApi.updateMe(body),
    onSuccess: () => {
      setCurrentPassword('');
      setNewPassword('');
      setConfirmPassword('');
      toast.show(t('account.passwordChanged'));
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'wrong_password') {
        setErrors({ currentPassword: t('account.wrongCurrentPassword') });
        setFormError(null);
        return;
      }
      setFormError(errorMessage(t, error));
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const found: PasswordErrors = {};
    if (!currentPassword) found.currentPassword = t('validation.required');
    if (!Password.safeParse(newPassword).success) found.newPassword = t('validation.passwordLength');
    if (confirmPassword !== newPassword) found.confirmPassword = t('validation.passwordMismatch');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    change.mutate({ currentPassword, newPassword });
  };

  return (
    <Card>
      <CardHeader title={t('account.password')} description={t('account.passwordHint')} />
      <form onSubmit={submit} noValidate>
        <CardBody className="space-y-4">
          <TextField
            label={t('account.currentPassword')}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(e) => setCurrentPassword(e.target.value)}
            error={errors.currentPassword}
          />
          <TextField
            label={t('account.newPassword')}
            hint={t('account.newPasswordHint')}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            error={errors.newPassword}
          />
          <TextField
            label={t('account.confirmPassword')}
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            value={confirmPassword}
            onChange={(e) => setConfirmPassword(e.target.value)}
            error={errors.confirmPassword}
          />
          <FormError>{formError}</FormError>
          <div className="flex justify-end">
            <Button type="submit" variant="primary" loading={change.isPending}>
              {t('account.changePassword')}
            </Button>
          </div>
        </CardBody>
      </form>
    </Card>
  );
}
