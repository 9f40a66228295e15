import { useTranslation } from 'react-i18next';
import type { EmployeeStatus } from '@hadir/contracts';
import { Badge, type BadgeTone } from '@hadir/ui';

const TONE: Record<EmployeeStatus, BadgeTone> = {
  active: 'success',
  inactive: 'neutral',
  on_leave: 'warning',
  terminated: 'slate',
};

export function EmployeeStatusBadge({ status }: { status: EmployeeStatus }) {
  const { t } = useTranslation();
  return <Badge tone={TONE[status]}>{t(`employees.statuses.${status}`)}</Badge>;
}
