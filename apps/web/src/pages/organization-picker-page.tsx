import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { authApi, queryKeys } from '../api/endpoints';
import { errorMessage } from '../api/errors';
import { useAdoptSession, type Boot } from '../auth/session';
import { AuthLayout } from '../shell/app-shell';
import { Button, Card, EmptyState, FormError, Icon, PageHeader, Spinner } from '@hadir/ui';

/** After sign-in, for users with several memberships and no active organization. */
export function OrganizationPickerPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const adopt = useAdoptSession();
  const boot = qc.getQueryData<Boot>(queryKeys.boot);
  const session = boot?.state === 'signed-in' ? boot.session : null;
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const pick = async (organizationId: string) => {
    setBusyId(organizationId);
    setError(null);
    try {
      await adopt(await authApi.selectOrganization(organizationId));
    } catch (err) {
      setError(errorMessage(t, err));
      setBusyId(null);
    }
  };

  const memberships = session?.memberships ?? [];
  return (
    <AuthLayout>
      <PageHeader
        title={t('auth.pickTitle')}
        description={memberships.length > 0 ? t('auth.pickSubtitle') : undefined}
      />
      {memberships.length === 0 ? (
        <Card>
          <EmptyState
            icon="building"
            title={t('auth.noMembership')}
            action={
              <Button
                onClick={() =>
                  void authApi
                    .logout()
                    .finally(() => qc.setQueryData<Boot>(queryKeys.boot, { state: 'anonymous' }))
                }
              >
                {t('shell.signOut')}
              </Button>
            }
          />
        </Card>
      ) : (
        <Card>
          <ul className="divide-y divide-border">
            {memberships.map((m) => (
              <li key={m.organizationId}>
                <button
                  type="button"
                  onClick={() => void pick(m.organizationId)}
                  disabled={busyId !== null}
                  className="flex w-full items-center gap-3 px-4 py-4 text-left hover:bg-surface-2 disabled:opacity-60"
                >
                  <span className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg bg-primary-soft text-primary-text">
                    <Icon name="building" />
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-fg">{m.organizationName}</span>
                    <span className="block text-sm text-muted">{t(`roles.${m.role}`)}</span>
                  </span>
                  {busyId === m.organizationId ? (
                    <Spinner />
                  ) : (
                    <Icon name="chevronRight" className="text-muted" />
                  )}
                </button>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <div className="mt-4">
        <FormError>{error}</FormError>
      </div>
    </AuthLayout>
  );
}
