import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Locale } from '@hadir/contracts';
import { authApi } from '../api/endpoints';
import { errorMessage } from '../api/errors';
import { useAdoptSession, useSession, useSignedOut } from '../auth/session';
import { LOCALES, LOCALE_NAMES, LOCALE_SHORT, currentLocale, setLocale } from '../i18n';
import { useTheme, IconButton, Icon, Menu, useToast } from '@hadir/ui';

/** Language menu; when signed in the choice is also saved on the account. */
export function LanguageMenu({ persist = false }: { persist?: boolean }) {
  const { t, i18n } = useTranslation();
  const active = currentLocale();
  const choose = async (lng: Locale) => {
    await setLocale(lng);
    if (persist) authApi.updateMe({ locale: lng }).catch(() => undefined);
  };
  return (
    <Menu
      label={t('shell.language')}
      testId="language-menu"
      button={
        <>
          <Icon name="globe" size={18} />
          <span className="text-xs font-semibold" lang={i18n.language}>
            {LOCALE_SHORT[active]}
          </span>
        </>
      }
      items={LOCALES.map((lng) => ({
        key: lng,
        label: LOCALE_NAMES[lng],
        lang: lng,
        checked: lng === active,
        onSelect: () => void choose(lng),
      }))}
    />
  );
}

export function ThemeToggle() {
  const { t } = useTranslation();
  const { theme, toggle } = useTheme();
  return (
    <IconButton
      icon={theme === 'dark' ? 'sun' : 'moon'}
      label={theme === 'dark' ? t('shell.themeToLight') : t('shell.themeToDark')}
      onClick={toggle}
      data-testid="theme-toggle"
    />
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return (
    (parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')
  ).toUpperCase();
}

export function UserMenu() {
  const { t } = useTranslation();
  const session = useSession();
  const signedOut = useSignedOut();
  const navigate = useNavigate();
  const toast = useToast();
  const logout = async (everywhere: boolean) => {
    try {
      await authApi.logout(everywhere);
    } catch (error) {
      toast.show(errorMessage(t, error), 'error');
      return;
    }
    toast.clear();
    signedOut();
    void navigate('/login', { replace: true });
  };
  return (
    <Menu
      label={t('shell.userMenu')}
      testId="user-menu"
      button={
        <>
          <span className="flex h-8 w-8 items-center justify-center rounded-full bg-primary text-xs font-semibold text-primary-fg">
            {initials(session.user.name)}
          </span>
          <Icon name="chevronDown" size={16} className="hidden text-muted sm:block" />
        </>
      }
      header={
        <>
          <p className="text-xs text-muted">{t('shell.signedInAs')}</p>
          <p className="truncate font-medium text-fg">{session.user.name}</p>
          <p className="truncate text-xs text-muted">{session.user.email}</p>
          {session.role ? (
            <p className="mt-1 text-xs text-primary-text">
              {session.customRoleName ?? t(`roles.${session.role}`)}
            </p>
          ) : null}
        </>
      }
      items={[
        {
          key: 'account',
          label: t('shell.account'),
          icon: 'user',
          onSelect: () => void navigate('/account'),
        },
        { key: 'logout', label: t('shell.signOut'), icon: 'logout', onSelect: () => void logout(false) },
        {
          key: 'logout-all',
          label: t('shell.signOutEverywhere'),
          icon: 'logout',
          tone: 'danger',
          onSelect: () => void logout(true),
        },
      ]}
    />
  );
}

/** Organization name, or a switcher when the user belongs to several. */
export function OrganizationSwitcher({ className }: { className?: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const adopt = useAdoptSession();
  const navigate = useNavigate();
  const toast = useToast();
  const active = session.memberships.find((m) => m.organizationId === session.activeOrganizationId);
  const name = active?.organizationName ?? '';
  if (session.memberships.length <= 1) {
    return (
      <div className={className}>
        <p className="truncate text-sm font-semibold text-fg" title={name}>
          {name}
        </p>
      </div>
    );
  }
  const select = async (organizationId: string, orgName: string) => {
    if (organizationId === session.activeOrganizationId) return;
    try {
      await adopt(await authApi.selectOrganization(organizationId));
      toast.show(t('shell.switchedTo', { name: orgName }), 'info');
      void navigate('/');
    } catch (error) {
      toast.show(errorMessage(t, error), 'error');
    }
  };
  return (
    <div className={className}>
      <Menu
        label={t('shell.switchOrganization')}
        align="left"
        testId="org-switcher"
        buttonClassName="max-w-full"
        button={
          <>
            <Icon name="building" size={18} className="shrink-0 text-muted" />
            <span className="truncate font-semibold">{name}</span>
            <Icon name="chevronDown" size={16} className="shrink-0 text-muted" />
          </>
        }
        items={session.memberships.map((m) => ({
          key: m.organizationId,
          label: m.organizationName,
          checked: m.organizationId === session.activeOrganizationId,
          onSelect: () => void select(m.organizationId, m.organizationName),
        }))}
      />
    </div>
  );
}
