import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrolFaceChoice } from '@hadir/contracts';
import { Button, cx } from '@hadir/ui';

/**
 * A photo with several faces: the photo with a box on each face; clicking a box enrols that face.
 * Faces the gate would refuse are outlined in red and say why (they cannot be chosen).
 */
export function FacePicker({
  photo,
  fileName,
  faces,
  imageSize,
  busy,
  onPick,
  onCancel,
}: {
  photo: Blob;
  fileName: string;
  faces: EnrolFaceChoice[];
  imageSize: { width: number; height: number };
  busy: boolean;
  onPick: (face: EnrolFaceChoice) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const u = URL.createObjectURL(photo);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [photo]);
  const pct = (v: number, of: number) => `${(100 * v) / of}%`;
  return (
    <div className="space-y-2 rounded-lg border border-border p-3" data-testid="face-picker">
      <p className="text-sm font-medium text-fg">
        {t('fh.enrol.chooseTitle', { count: faces.length, file: fileName })}
      </p>
      <p className="text-xs text-muted">{t('fh.enrol.chooseHint')}</p>
      <div className="relative w-full overflow-hidden rounded-md bg-surface-2">
        {url ? <img src={url} alt="" className="block h-auto w-full" /> : null}
        {faces.map((f, i) => {
          const refused = f.rejectedFor !== null;
          const label = f.rejectedFor
            ? t('fh.enrol.faceNRejected', { n: i + 1, reason: t(`fh.enrol.why.${f.rejectedFor}`) })
            : t('fh.enrol.faceN', { n: i + 1, score: f.quality.score });
          return (
            <button
              key={i}
              type="button"
              disabled={busy || refused}
              aria-label={label}
              title={label}
              onClick={() => onPick(f)}
              className={cx(
                'absolute rounded-sm border-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
                refused
                  ? 'cursor-not-allowed border-danger bg-danger/10'
                  : 'border-accent bg-accent/10 hover:border-primary hover:bg-primary/20',
              )}
              style={{
                left: pct(f.box.x, imageSize.width),
                top: pct(f.box.y, imageSize.height),
                width: pct(f.box.width, imageSize.width),
                height: pct(f.box.height, imageSize.height),
              }}
            >
              <span
                className={cx(
                  'absolute -top-5 left-0 rounded px-1 text-[11px] leading-4 font-semibold whitespace-nowrap',
                  refused ? 'bg-danger text-danger-fg' : 'bg-accent text-accent-fg',
                )}
              >
                {refused ? i + 1 : `${i + 1} · ${f.quality.score}`}
              </span>
            </button>
          );
        })}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        {busy ? <p className="text-sm text-muted">{t('fh.enrol.enrolling')}</p> : null}
        <Button size="sm" onClick={onCancel} disabled={busy}>
          {t('fh.enrol.cancelChoice')}
        </Button>
      </div>
    </div>
  );
}
