import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormError, FormModal, TextField, useToast } from '@hadir/ui';
import { errorMessage } from '../../api/errors';

/**
 * Approve or reject a request with an optional comment (leave, attendance corrections): sends the
 * decision, says so in a toast, closes, and refreshes the request lists.
 */
export function DecideDialog({
  title,
  submitLabel,
  commentLabel,
  formId,
  doneMessage,
  invalidate,
  decide,
  onClose,
}: {
  title: string;
  submitLabel: string;
  commentLabel: string;
  formId: string;
  doneMessage: string;
  invalidate: QueryKey;
  decide: (comment: string | null) => Promise<unknown>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [comment, setComment] = useState('');
  const mutation = useMutation({
    mutationFn: () => decide(comment.trim() || null),
    onSuccess: async () => {
      toast.show(doneMessage);
      onClose();
      await qc.invalidateQueries({ queryKey: invalidate });
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={title}
      formId={formId}
      submitLabel={submitLabel}
      submitting={mutation.isPending}
      formClassName="space-y-4"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        mutation.mutate();
      }}
    >
      <TextField
        label={commentLabel}
        name="comment"
        optional
        value={comment}
        maxLength={500}
        onChange={(e) => setComment(e.target.value)}
      />
      {mutation.isError ? <FormError>{errorMessage(t, mutation.error)}</FormError> : null}
    </FormModal>
  );
}
