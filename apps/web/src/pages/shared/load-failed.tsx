import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { EmptyState } from '@hadir/ui';

/** What a page shows where its data failed to load: the error in the reader's words, and maybe a retry. */
export function LoadFailed({ error, action }: { error: unknown; action?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon="alert"
      title={t('common.loadFailed')}
      description={errorMessage(t, error)}
      action={action}
    />
  );
}
