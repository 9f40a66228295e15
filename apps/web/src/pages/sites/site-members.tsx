import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SiteSetup } from '@hadir/contracts';
import { Badge, EmptyState, Modal, SearchField, SkeletonRows } from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import { siteKeys, sitesApi } from './sites-api';

/** The members of a site (their area is at it): the people its officers recognize first. */
export function SiteMembersDialog({ site, onClose }: { site: SiteSetup | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const members = useQuery({
    queryKey: siteKeys.members(site?.id ?? '', search),
    queryFn: () => sitesApi.members(site!.id, search),
    enabled: site !== null,
  });
  const close = () => {
    setSearch('');
    onClose();
  };
  return (
    <Modal
      open={site !== null}
      onClose={close}
      title={t('sitesPage.membersOf', { name: site?.name ?? '' })}
      description={t('sitesPage.membersHint')}
    >
      <div className="space-y-3">
        <SearchField
          label={t('sitesPage.membersSearch')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {members.isError ? (
          <LoadFailed error={members.error} />
        ) : members.isPending ? (
          <SkeletonRows rows={3} />
        ) : members.data.length === 0 ? (
          <EmptyState
            icon="users"
            title={t('sitesPage.membersEmpty')}
            description={t('sitesPage.membersEmptyHint')}
          />
        ) : (
          <ul className="divide-y divide-border" data-testid="site-members">
            {members.data.map((m) => (
              <li key={m.id} className="flex items-center gap-3 py-2">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-fg">{`${m.employee_code} · ${m.name}`}</p>
                  <p className="truncate text-xs text-muted">{m.area_name ?? ''}</p>
                </div>
                <Badge tone={m.face_registered ? 'success' : 'neutral'}>
                  {t(m.face_registered ? 'sitesPage.faceRegistered' : 'sitesPage.noFace')}
                </Badge>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Modal>
  );
}
