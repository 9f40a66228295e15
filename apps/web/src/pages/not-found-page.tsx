import { useTranslation } from 'react-i18next';
import { ButtonLink, Card, EmptyState, PageHeader } from '@hadir/ui';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('common.notFoundTitle')} />
      <Card>
        <EmptyState
          icon="search"
          title={t('common.notFoundBody')}
          action={
            <ButtonLink to="/" variant="primary" icon="home">
              {t('common.goHome')}
            </ButtonLink>
          }
        />
      </Card>
    </>
  );
}
