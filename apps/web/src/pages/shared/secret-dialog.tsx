import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Field, Input, Modal } from '@hadir/ui';

/** A secret shown once (an API token, an edge box's enrol code), with a copy button. */
export function SecretDialog({
  secret,
  onClose,
  title,
  description,
  label,
  testId,
}: {
  secret: string | null;
  onClose: () => void;
  title: string;
  description: string;
  label: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Modal
      open={secret !== null}
      onClose={() => {
        setCopied(false);
        onClose();
      }}
      title={title}
      description={description}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t('common.close')}
        </Button>
      }
    >
      <Field label={label}>
        {(p) => (
          <div className="flex gap-2">
            <Input
              {...p}
              readOnly
              value={secret ?? ''}
              className="font-mono text-xs"
              onFocus={(e) => e.target.select()}
              data-testid={testId}
            />
            <Button icon={copied ? 'check' : 'copy'} onClick={() => void copy()}>
              {copied ? t('common.copied') : t('common.copy')}
            </Button>
          </div>
        )}
      </Field>
    </Modal>
  );
}
