import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { OrgUser } from '@hadir/contracts';
import { queryKeys, usersApi } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { Button, type ComboOption, Field, FormError, FormModal, useToast } from '@hadir/ui';
import { EmployeeCombobox } from '../shared/employee-combobox';

/** The user's employee record as a button that opens the link dialog. */
export function EmployeeLinkCell({ user }: { user: OrgUser }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => setOpen(true)}
        aria-label={t('lv.link.edit', { name: user.name })}
      >
        {user.employeeName ?? <span className="text-muted">{t('lv.link.none')}</span>}
      </Button>
      {open ? <LinkDialog user={user} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function LinkDialog({ user, onClose }: { user: OrgUser; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [choice, setChoice] = useState<ComboOption | null>(
    user.employeeId ? { id: user.employeeId, label: user.employeeName ?? '' } : null,
  );
  const save = useMutation({
    mutationFn: () => usersApi.update(user.userId, { employeeId: choice?.id ?? null }),
    onSuccess: async () => {
      toast.show(t('common.saved'));
      onClose();
      await qc.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('lv.link.title', { name: user.name })}
      description={t('lv.link.hint')}
      formId="user-employee-link"
      submitLabel={t('common.save')}
      submitting={save.isPending}
      formClassName="space-y-4"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        save.mutate();
      }}
    >
      <Field label={t('lv.link.employee')}>
        {(p) => (
          <EmployeeCombobox
            control={p}
            value={choice}
            onChange={setChoice}
            queryKey="user-link"
            noneLabel={t('lv.link.none')}
          />
        )}
      </Field>
      {save.isError ? <FormError>{errorMessage(t, save.error)}</FormError> : null}
    </FormModal>
  );
}
