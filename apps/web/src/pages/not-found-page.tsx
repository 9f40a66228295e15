import { useTranslation } from 'react-i18next';
import { ButtonLink } from '../ui/button';
import { Card } from '../ui/card';
import { EmptyState } from '../ui/empty-state';
import { PageHeader } from '../ui/page';

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
