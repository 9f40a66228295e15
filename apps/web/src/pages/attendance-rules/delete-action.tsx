import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { Button, ConfirmDialog, useToast } from '@hadir/ui';

/**
 * A "delete" button with a confirmation for rules rows (assignments, holidays, calendars). Stored days
 * keep their status until a period is recomputed, so the confirmation says so.
 */
export function DeleteAction({
  label,
  title,
  body,
  done,
  run,
  invalidate,
  testId,
}: {
  label: string;
  title: string;
  body: string;
  done: string;
  run: () => Promise<unknown>;
  invalidate: readonly unknown[];
  testId?: string;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const remove = useMutation({
    mutationFn: run,
    onSuccess: async () => {
      toast.show(done);
      setOpen(false);
      await qc.invalidateQueries({ queryKey: invalidate });
    },
    onError: (error) => toast.show(errorMessage(t, error)),
  });
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        className="text-danger-text"
        onClick={() => setOpen(true)}
        data-testid={testId}
      >
        {label}
      </Button>
      <ConfirmDialog
        open={open}
        title={title}
        body={`${body} ${t('attr.recomputeNote')}`}
        confirmLabel={label}
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setOpen(false)}
      />
    </>
  );
}
