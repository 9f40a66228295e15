import { useTranslation } from 'react-i18next';
import { ButtonLink } from '../ui/button';
import { Card } from '../ui/card';
import { EmptyState } from '../ui/empty-state';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Card>
      <EmptyState
        icon="search"
        title={t('common.notFoundTitle')}
        description={t('common.notFoundBody')}
        action={
          <ButtonLink to="/" variant="primary" icon="home">
            {t('common.goHome')}
          </ButtonLink>
        }
      />
    </Card>
  );
}
