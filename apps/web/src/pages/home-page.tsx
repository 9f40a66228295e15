import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { employeesApi, orgApi, queryKeys } from '../api/endpoints';
import { useCan, useSession } from '../auth/session';
import { ButtonLink, Badge, Card, CardBody, CardHeader, Icon, PageHeader, Skeleton } from '@hadir/ui';
import { PresenceBadge } from './presence-badge';

/** Landing page until the live dashboard arrives: a welcome and the way to the first tasks. */
export function HomePage() {
  const { t } = useTranslation();
  const session = useSession();
  const canViewEmployees = useCan('member:view');
  const employees = useQuery({
    queryKey: [...queryKeys.employees, 'count'],
    queryFn: () => employeesApi.list({ page: 1, pageSize: 1 }),
    enabled: canViewEmployees,
  });
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get });

  return (
    <>
      <PageHeader title={t('home.welcome', { name: session.user.name })} description={t('home.intro')} />
      <div className="grid gap-4 md:grid-cols-2">
        {canViewEmployees ? (
          <Card>
            <CardHeader title={t('home.employeesTitle')} />
            <CardBody className="flex flex-wrap items-center justify-between gap-3">
              <div className="flex items-center gap-3">
                <span className="flex h-11 w-11 items-center justify-center rounded-lg bg-accent-soft text-accent-text">
                  <Icon name="users" />
                </span>
                {employees.isPending && employees.fetchStatus !== 'idle' ? (
                  <Skeleton className="h-6 w-32" />
                ) : (
                  <p className="text-lg font-semibold text-fg">
                    {t('home.employeesCount', { count: employees.data?.total ?? 0 })}
                  </p>
                )}
              </div>
              <ButtonLink to="/employees" size="sm">
                {t('home.manageEmployees')}
              </ButtonLink>
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader title={t('home.settingsTitle')} />
          <CardBody className="flex flex-wrap items-center justify-between gap-3">
            <div className="min-w-0">
              {org.data ? (
                <>
                  <p className="truncate text-lg font-semibold text-fg">{org.data.name}</p>
                  <p className="text-sm text-muted">
                    {t('home.timeZone', { zone: org.data.settings.timeZone })}
                  </p>
                </>
              ) : (
                <Skeleton className="h-10 w-48" />
              )}
            </div>
            <ButtonLink to="/settings/organization" size="sm">
              {t('home.openSettings')}
            </ButtonLink>
          </CardBody>
        </Card>
        <Card className="md:col-span-2">
          <CardHeader title={t('home.statusLegend')} />
          <CardBody className="flex flex-wrap gap-2">
            <PresenceBadge state="available" />
            <PresenceBadge state="off" />
            <PresenceBadge state="unknown" />
            <PresenceBadge state="outsideHours" />
            {session.role ? <Badge tone="primary">{t(`roles.${session.role}`)}</Badge> : null}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
