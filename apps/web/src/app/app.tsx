import { Suspense, useEffect, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError, onUnauthorized } from '../api/client';
import { queryKeys } from '../api/endpoints';
import { hasPermission, SessionProvider, useBoot, type Boot } from '../auth/session';
import { LoginPage } from '../pages/login-page';
import { NotFoundPage } from '../pages/not-found-page';
import { InvitePage } from '../pages/invite/invite-page';
import { OrganizationPickerPage } from '../pages/organization-picker-page';
import { SetupPage } from '../pages/setup-page';
import { AppShell } from '../shell/app-shell';
import { Button, PageSpinner, ToastProvider, useToast } from '@hadir/ui';
import { APP_ROUTES } from './routes';
import { LoadFailed } from '../pages/shared/load-failed';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not fix itself; retry only network and server errors, once.
        retry: (count, error) =>
          count < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
        staleTime: 15_000,
      },
    },
  });
}

/** A 401 from any call means the session is gone: go back to the boot check (which shows login). */
function UnauthorizedWatcher() {
  const qc = useQueryClient();
  const { clear } = useToast();
  useEffect(() => {
    onUnauthorized(() => {
      const boot = qc.getQueryData<Boot>(queryKeys.boot);
      if (boot?.state === 'signed-in') {
        // Toasts about the previous session's data must not follow onto the login screen.
        clear();
        qc.setQueryData<Boot>(queryKeys.boot, { state: 'anonymous' });
      }
    });
    return () => onUnauthorized(null);
  }, [qc, clear]);
  return null;
}

function BootError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="flex min-h-dvh items-center justify-center p-4">
      <LoadFailed
        error={error}
        action={
          <Button variant="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        }
      />
    </div>
  );
}

function SignedInRoutes({ boot }: { boot: Extract<Boot, { state: 'signed-in' }> }) {
  const { session } = boot;
  const location = useLocation();
  // Accepting an invitation comes before choosing an organization: it may be the person's first.
  if (location.pathname === '/invite') return <InvitePage signedIn />;
  if (!session.activeOrganizationId) {
    // Several memberships and none chosen yet (or none at all): the picker explains.
    return <OrganizationPickerPage />;
  }
  const next = new URLSearchParams(location.search).get('next');
  return (
    <SessionProvider session={session}>
      <AppShell>
        <Suspense fallback={<PageSpinner />}>
          <Routes>
            {APP_ROUTES.filter((r) => hasPermission(session, r.permission)).map((r) => (
              <Route key={r.path} path={r.path} element={<r.component />} />
            ))}
            <Route
              path="/login"
              element={<Navigate to={next?.startsWith('/') && !next.startsWith('//') ? next : '/'} replace />}
            />
            <Route path="/setup" element={<Navigate to="/" replace />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </AppShell>
    </SessionProvider>
  );
}

function Gate() {
  const boot = useBoot();
  const location = useLocation();
  if (boot.isPending) return <PageSpinner />;
  if (boot.isError) return <BootError error={boot.error} onRetry={() => void boot.refetch()} />;
  const state = boot.data;
  switch (state.state) {
    case 'setup':
      // Nothing else is reachable until the first organization and admin exist.
      return location.pathname === '/setup' ? <SetupPage /> : <Navigate to="/setup" replace />;
    case 'anonymous': {
      if (location.pathname === '/login') return <LoginPage />;
      if (location.pathname === '/invite') return <InvitePage signedIn={false} />;
      const here = location.pathname + location.search;
      const next = here === '/' || location.pathname === '/setup' ? '' : `?next=${encodeURIComponent(here)}`;
      return <Navigate to={`/login${next}`} replace />;
    }
    case 'signed-in':
      return <SignedInRoutes boot={state} />;
    default: {
      const never: never = state;
      return never;
    }
  }
}

export function App({ client: given, children }: { client?: QueryClient; children?: ReactNode }) {
  const [client] = useState(() => given ?? createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <UnauthorizedWatcher />
        <BrowserRouter>{children ?? <Gate />}</BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
