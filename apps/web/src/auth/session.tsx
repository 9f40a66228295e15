import { createContext, useCallback, useContext, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '@hadir/contracts';
import { ApiError, setCsrfToken } from '../api/client';
import { authApi, queryKeys } from '../api/endpoints';
import { isLocale, setLocale } from '../i18n';

/** What the app needs to decide which screen to show before anything else. */
export type Boot = { state: 'setup' } | { state: 'anonymous' } | { state: 'signed-in'; session: SessionInfo };

export async function fetchBoot(): Promise<Boot> {
  const { needsSetup } = await authApi.setupStatus();
  if (needsSetup) return { state: 'setup' };
  try {
    const session = await authApi.session();
    setCsrfToken(session.csrfToken);
    return { state: 'signed-in', session };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return { state: 'anonymous' };
    }
    throw error;
  }
}

export function useBoot() {
  return useQuery({ queryKey: queryKeys.boot, queryFn: fetchBoot, staleTime: Infinity, retry: 1 });
}

/** Store a fresh SessionInfo (after setup, login, org switch) and adopt the user's language. */
export function useAdoptSession() {
  const qc = useQueryClient();
  return useCallback(
    async (session: SessionInfo) => {
      setCsrfToken(session.csrfToken);
      if (isLocale(session.user.locale)) await setLocale(session.user.locale);
      // Everything cached belongs to the previous user or organization.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.boot[0] });
      const next: Boot = { state: 'signed-in', session };
      qc.setQueryData<Boot>(queryKeys.boot, next);
    },
    [qc],
  );
}

export function useSignedOut() {
  const qc = useQueryClient();
  return useCallback(() => {
    setCsrfToken(null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.boot[0] });
    qc.setQueryData<Boot>(queryKeys.boot, { state: 'anonymous' });
  }, [qc]);
}

const SessionContext = createContext<SessionInfo | null>(null);

export function SessionProvider({ session, children }: { session: SessionInfo; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in session; only valid inside the signed-in part of the app. */
export function useSession(): SessionInfo {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function hasPermission(session: SessionInfo, permission: string | undefined): boolean {
  return !permission || session.permissions.includes(permission);
}

/** Hide what the role does not allow; the server still checks every request. */
export function useCan(permission: string | undefined): boolean {
  return hasPermission(useSession(), permission);
}
