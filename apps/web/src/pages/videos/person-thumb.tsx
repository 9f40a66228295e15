import { useState } from 'react';
import { cx, Icon } from '@hadir/ui';
import { videosApi } from './videos-api';

/** A person's best face, or a neutral silhouette where none was kept. */
export function PersonThumb({ id, className }: { id: string; className?: string }) {
  const [failed, setFailed] = useState(false);
  return (
    <span
      className={cx(
        'flex shrink-0 items-center justify-center overflow-hidden rounded-lg bg-surface-2',
        className,
      )}
    >
      {failed ? (
        <Icon name="user" size={28} className="text-muted" />
      ) : (
        <img
          src={videosApi.thumbnailUrl(id)}
          alt=""
          loading="lazy"
          className="h-full w-full object-cover"
          onError={() => setFailed(true)}
        />
      )}
    </span>
  );
}
