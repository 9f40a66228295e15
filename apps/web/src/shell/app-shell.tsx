import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router';
import { APP_ROUTES, type AppRoute, type NavSection } from '../app/routes';
import { hasPermission, useSession } from '../auth/session';
import { IconButton, cx, Icon, Logo } from '@hadir/ui';
import { LanguageMenu, OrganizationSwitcher, ThemeToggle, UserMenu } from './top-bar-controls';

function useNavRoutes(): Record<NavSection, AppRoute[]> {
  const session = useSession();
  const visible = APP_ROUTES.filter((r) => r.nav && hasPermission(session, r.permission));
  return {
    main: visible.filter((r) => r.nav?.section === 'main'),
    settings: visible.filter((r) => r.nav?.section === 'settings'),
  };
}

function NavItems({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const sections = useNavRoutes();
  const link = (r: AppRoute) =>
    r.nav ? (
      <li key={r.path}>
        <NavLink
          to={r.path}
          end={r.nav.end}
          onClick={onNavigate}
          className={({ isActive }) =>
            cx(
              'flex items-center gap-3 rounded-lg px-3 py-2.5 text-sm font-medium transition-colors',
              'focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-white',
              isActive ? 'bg-sidebar-active text-white' : 'text-sidebar-fg hover:bg-sidebar-active/60',
            )
          }
        >
          <Icon name={r.nav.icon} size={20} className="shrink-0" />
          <span className="truncate">{t(r.nav.label)}</span>
        </NavLink>
      </li>
    ) : null;
  return (
    <nav aria-label={t('nav.main')} className="flex-1 overflow-y-auto px-3 py-4">
      <ul className="space-y-1">{sections.main.map(link)}</ul>
      {sections.settings.length > 0 ? (
        <>
          <h2 className="mt-6 mb-2 px-3 text-xs font-semibold tracking-wider text-sidebar-fg/80 uppercase">
            {t('nav.settings')}
          </h2>
          <ul className="space-y-1">{sections.settings.map(link)}</ul>
        </>
      ) : null}
    </nav>
  );
}

function Brand() {
  const { t } = useTranslation();
  return (
    <div className="flex h-16 shrink-0 items-center gap-3 px-5">
      <Logo size={32} />
      <span className="text-lg font-bold tracking-tight text-white">{t('app.name')}</span>
    </div>
  );
}

/**
 * Signed-in layout: fixed sidebar on large screens, a drawer on phones and tablets, and a top bar with
 * organization, language, theme and account controls.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();
  const menuButton = useRef<HTMLButtonElement>(null);
  const drawerRef = useRef<HTMLDivElement>(null);

  // Close the drawer on navigation.
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  useEffect(() => {
    if (!drawerOpen) return;
    drawerRef.current?.querySelector<HTMLElement>('a, button')?.focus();
    // The page behind the open drawer must not scroll under the finger.
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setDrawerOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.body.style.overflow = overflow;
    };
  }, [drawerOpen]);

  return (
    <div className="relative min-h-dvh lg:pl-64">
      {/* The sidebar colour as a page-tall strip: the fixed <aside> is only one viewport tall, which
          left a white gap under it in full-page screenshots and when printing. */}
      <div
        aria-hidden="true"
        className="absolute inset-y-0 left-0 hidden w-64 bg-sidebar lg:block dark:border-r dark:border-border"
      />
      <a
        href="#main"
        className="sr-only z-50 rounded-lg bg-primary px-4 py-2 text-primary-fg focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        {t('app.skipToContent')}
      </a>

      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 flex-col bg-sidebar lg:flex dark:border-r dark:border-border">
        <Brand />
        <NavItems />
      </aside>

      {drawerOpen ? (
        <div
          className="fixed inset-0 z-40 lg:hidden"
          role="dialog"
          aria-modal="true"
          aria-label={t('nav.main')}
        >
          <div
            className="absolute inset-0 bg-overlay/60"
            aria-hidden="true"
            onClick={() => setDrawerOpen(false)}
          />
          <div
            ref={drawerRef}
            className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col bg-sidebar shadow-2xl"
          >
            <div className="flex items-center justify-between pr-3">
              <Brand />
              <button
                type="button"
                onClick={() => {
                  setDrawerOpen(false);
                  menuButton.current?.focus();
                }}
                aria-label={t('nav.closeMenu')}
                className="inline-flex h-10 w-10 items-center justify-center rounded-lg text-sidebar-fg hover:bg-sidebar-active"
              >
                <Icon name="close" />
              </button>
            </div>
            <NavItems onNavigate={() => setDrawerOpen(false)} />
          </div>
        </div>
      ) : null}

      <header className="sticky top-0 z-20 flex h-16 items-center gap-1 border-b border-border bg-surface/95 px-2 backdrop-blur sm:gap-2 sm:px-4 lg:px-6">
        <IconButton
          ref={menuButton}
          icon="menu"
          label={t('nav.openMenu')}
          className="lg:hidden"
          aria-expanded={drawerOpen}
          onClick={() => setDrawerOpen(true)}
        />
        <OrganizationSwitcher className="min-w-0 flex-1" />
        <div className="flex shrink-0 items-center gap-0.5 sm:gap-1">
          <LanguageMenu persist />
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>

      <main
        id="main"
        tabIndex={-1}
        className="mx-auto w-full max-w-7xl px-4 py-6 focus:outline-none sm:px-6 lg:px-8"
      >
        {children}
      </main>
    </div>
  );
}

/** Layout for the signed-out screens (setup, login, organization picker). */
export function AuthLayout({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex h-16 items-center justify-between gap-2 px-4 sm:px-6">
        <div className="flex items-center gap-2.5">
          <Logo size={32} />
          <span className="text-lg font-bold tracking-tight text-fg">{t('app.name')}</span>
        </div>
        <div className="flex items-center gap-1">
          <LanguageMenu />
          <ThemeToggle />
        </div>
      </header>
      <main
        id="main"
        className="flex flex-1 items-start justify-center px-4 pt-4 pb-12 sm:items-center sm:pt-0"
      >
        <div className={cx('w-full', wide ? 'max-w-xl' : 'max-w-md')}>{children}</div>
      </main>
      <footer className="pb-6 text-center text-xs text-muted">{t('app.tagline')}</footer>
    </div>
  );
}
