import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { MobileSettings, MobileSettingsUpdate, SiteSetup } from '@hadir/contracts';
import {
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  ConfirmDialog,
  DataTable,
  EmptyState,
  IconButton,
  PageHeader,
  type Column,
  useToast,
} from '@hadir/ui';
import { errorMessage } from '../../api/errors';
import { LoadFailed } from '../shared/load-failed';
import { SiteEditor } from './site-editor';
import { SiteMembersDialog } from './site-members';
import { siteKeys, sitesApi } from './sites-api';

/**
 * Sites as the phone app uses them (issue 11): the organization's rules (geofence checks, recognition
 * scope, officers kept to their sites), then each site with its geofence, members and officers.
 */
export function SitesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const overview = useQuery({ queryKey: siteKeys.all, queryFn: sitesApi.overview });
  const [editing, setEditing] = useState<SiteSetup | 'new' | null>(null);
  const [deleting, setDeleting] = useState<SiteSetup | null>(null);
  const [showing, setShowing] = useState<SiteSetup | null>(null);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: siteKeys.all });
    await qc.invalidateQueries({ queryKey: ['sites'] });
  };
  const remove = useMutation({
    mutationFn: (s: SiteSetup) => sitesApi.remove(s.id),
    onSuccess: async (_r, s) => {
      toast.show(t('sitesPage.deleted', { name: s.name }));
      setDeleting(null);
      await refresh();
    },
    onError: (error) => {
      setDeleting(null);
      toast.show(errorMessage(t, error), 'error');
    },
  });

  const officers = overview.data?.officers ?? [];
  const officerNames = (s: SiteSetup) =>
    s.officer_ids
      .map((id) => officers.find((o) => o.user_id === id)?.name)
      .filter(Boolean)
      .join(', ') || t('sitesPage.noOfficers');
  const fence = (s: SiteSetup) =>
    s.geofence
      ? t('sitesPage.radius', {
          radius: Math.round(s.geofence.radius_m),
          lat: s.geofence.latitude.toFixed(5),
          lng: s.geofence.longitude.toFixed(5),
        })
      : t('sitesPage.noGeofence');
  const scope = (s: SiteSetup) =>
    s.recognition_site_only || overview.data?.settings.recognition_site_only ? (
      <Badge tone="primary">{t('sitesPage.recognitionSiteOnly')}</Badge>
    ) : (
      <Badge tone="neutral">{t('sitesPage.recognitionSiteFirst')}</Badge>
    );
  const members = (s: SiteSetup) => {
    const count = t('sitesPage.memberCount', { count: s.member_count });
    return (
      <Button
        size="sm"
        variant="ghost"
        onClick={() => setShowing(s)}
        aria-label={`${count}, ${t('sitesPage.showMembers')}: ${s.name}`}
      >
        {count}
      </Button>
    );
  };
  const actions = (s: SiteSetup) => (
    <div className="flex justify-end gap-1">
      <IconButton
        icon="edit"
        label={t('sitesPage.editSite', { name: s.name })}
        onClick={() => setEditing(s)}
      />
      <IconButton icon="trash" label={`${t('common.delete')} ${s.name}`} onClick={() => setDeleting(s)} />
    </div>
  );
  const columns: Column<SiteSetup>[] = [
    {
      key: 'name',
      header: t('sitesPage.site'),
      cell: (s) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">{s.name}</p>
          {s.address ? <p className="text-xs text-muted">{s.address}</p> : null}
        </div>
      ),
    },
    {
      key: 'fence',
      header: t('sitesPage.geofence'),
      cell: (s) => <span className="text-muted">{fence(s)}</span>,
    },
    { key: 'members', header: t('sitesPage.members'), cell: members },
    {
      key: 'officers',
      header: t('sitesPage.officers'),
      cell: (s) => <span className="text-muted">{officerNames(s)}</span>,
    },
    { key: 'scope', header: t('sitesPage.recognition'), cell: scope },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: actions,
      className: 'text-right',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('sitesPage.title')}
        description={t('sitesPage.subtitle')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
            {t('sitesPage.newSite')}
          </Button>
        }
      />
      <div className="space-y-6">
        {overview.data ? <RulesCard settings={overview.data.settings} onSaved={refresh} /> : null}
        <Card>
          <CardHeader title={t('sitesPage.list')} />
          {overview.isError ? (
            <LoadFailed error={overview.error} />
          ) : (
            <DataTable
              caption={t('sitesPage.list')}
              columns={columns}
              rows={overview.data?.sites}
              rowKey={(s) => s.id}
              loading={overview.isPending}
              empty={
                <EmptyState
                  icon="building"
                  title={t('sitesPage.empty')}
                  description={t('sitesPage.emptyHint')}
                />
              }
              mobileCard={(s) => (
                <div className="space-y-2" data-testid="site-card">
                  <div className="flex items-start gap-2">
                    <div className="min-w-0 flex-1">
                      <p className="font-medium break-words text-fg">{s.name}</p>
                      <p className="text-xs break-words text-muted">{fence(s)}</p>
                      <p className="text-xs break-words text-muted">{`${t('sitesPage.officers')}: ${officerNames(s)}`}</p>
                    </div>
                    {actions(s)}
                  </div>
                  <div className="flex flex-wrap items-center gap-2">
                    {scope(s)}
                    {members(s)}
                  </div>
                </div>
              )}
            />
          )}
        </Card>
      </div>
      {editing !== null && overview.data ? (
        <SiteEditor
          site={editing === 'new' ? null : editing}
          officers={officers}
          orgSiteOnly={overview.data.settings.recognition_site_only}
          onClose={() => setEditing(null)}
          onSaved={refresh}
        />
      ) : null}
      <SiteMembersDialog site={showing} onClose={() => setShowing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title={t('sitesPage.deleteTitle', { name: deleting?.name ?? '' })}
        body={t('sitesPage.deleteBody')}
        confirmLabel={t('common.delete')}
        tone="danger"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onCancel={() => setDeleting(null)}
      />
    </>
  );
}

/** The organization's three phone-app switches; each saves at once. */
function RulesCard({ settings, onSaved }: { settings: MobileSettings; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const toast = useToast();
  // Shown at once (a checkbox that lags its click reads as broken); put back if the save fails.
  const [shown, setShown] = useState(settings);
  useEffect(() => setShown(settings), [settings]);
  const save = useMutation({
    mutationFn: sitesApi.settings,
    onSuccess: async () => {
      toast.show(t('sitesPage.ruleSaved'));
      await onSaved();
    },
    onError: (error) => {
      setShown(settings);
      toast.show(errorMessage(t, error), 'error');
    },
  });
  const rows: { key: keyof MobileSettings; label: string; hint: string }[] = [
    { key: 'geofence_checks', label: t('sitesPage.geofenceChecks'), hint: t('sitesPage.geofenceChecksHint') },
    { key: 'recognition_site_only', label: t('sitesPage.siteOnly'), hint: t('sitesPage.siteOnlyHint') },
    {
      key: 'officers_restricted_to_sites',
      label: t('sitesPage.restricted'),
      hint: t('sitesPage.restrictedHint'),
    },
  ];
  return (
    <Card>
      <CardHeader title={t('sitesPage.rules')} description={t('sitesPage.rulesHint')} />
      <CardBody className="space-y-4">
        {rows.map((r) => (
          <div key={r.key}>
            <Checkbox
              label={r.label}
              checked={shown[r.key]}
              disabled={save.isPending}
              onChange={(e) => {
                const change: MobileSettingsUpdate = {};
                change[r.key] = e.target.checked;
                setShown((cur) => ({ ...cur, ...change }));
                save.mutate(change);
              }}
            />
            <p className="ml-6 text-xs text-muted">{r.hint}</p>
          </div>
        ))}
      </CardBody>
    </Card>
  );
}
