import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import { employeesApi } from '../../api/endpoints';
import { AsyncCombobox, type ComboOption } from '@hadir/ui';

/** The first ten employees whose name or code matches, as combobox options (code as the detail). */
export async function searchEmployees(q: string): Promise<ComboOption[]> {
  return (await employeesApi.list({ q: q || undefined, page: 1, pageSize: 10 })).items.map((e) => ({
    id: e.id,
    label: e.name,
    detail: e.employeeCode,
  }));
}

/** Pick one employee by searching (presence log filter, daily report supervisor, assigning a face). */
export function EmployeeCombobox(
  props: Omit<ComponentProps<typeof AsyncCombobox>, 'search' | 'placeholder' | 'emptyLabel'>,
) {
  const { t } = useTranslation();
  return (
    <AsyncCombobox
      {...props}
      search={searchEmployees}
      placeholder={t('dash.common.searchEmployee')}
      emptyLabel={t('dash.common.noEmployees')}
    />
  );
}
