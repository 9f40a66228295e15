import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SiteOfficer, SiteSetup } from '@hadir/contracts';
import { Button, Checkbox, FormError, FormModal, TextField, useToast } from '@hadir/ui';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { parseGeofence, sitesApi, type GeofenceDraft, type GeofenceErrors } from './sites-api';

type Draft = {
  name: string;
  address: string;
  fenced: boolean;
  fence: GeofenceDraft;
  siteOnly: boolean;
  officerIds: Set<string>;
};

const draftOf = (site: SiteSetup | null): Draft => ({
  name: site?.name ?? '',
  address: site?.address ?? '',
  fenced: site ? site.geofence !== null : true,
  fence: {
    latitude: site?.geofence ? String(site.geofence.latitude) : '',
    longitude: site?.geofence ? String(site.geofence.longitude) : '',
    radius: site?.geofence ? String(site.geofence.radius_m) : '200',
  },
  siteOnly: site?.recognition_site_only ?? false,
  officerIds: new Set(site?.officer_ids ?? []),
});

/**
 * Creates or edits a site: name (and address when new), a map-free geofence (latitude, longitude,
 * radius, or the browser's location), whether captures there recognize only its members, its officers.
 */
export function SiteEditor({
  site,
  officers,
  orgSiteOnly,
  onClose,
  onSaved,
}: {
  site: SiteSetup | null;
  officers: SiteOfficer[];
  orgSiteOnly: boolean;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const mayAssign = useCan('user:manage');
  const [draft, setDraft] = useState<Draft>(() => draftOf(site));
  const [errors, setErrors] = useState<GeofenceErrors & { name?: true }>({});
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setFence = (patch: Partial<GeofenceDraft>) =>
    setDraft((d) => ({ ...d, fence: { ...d.fence, ...patch } }));

  const save = useMutation({
    mutationFn: async (input: {
      geofence: { latitude: number; longitude: number; radius_m: number } | null;
    }) => {
      const name = draft.name.trim();
      let id = site?.id;
      if (!id) id = (await sitesApi.create(name, draft.address.trim() || null)).id;
      else if (name !== site?.name) await sitesApi.rename(id, name);
      return sitesApi.saveMobile(id, {
        geofence: input.geofence,
        recognition_site_only: draft.siteOnly,
        officer_ids: [...draft.officerIds],
      });
    },
    onSuccess: async (saved) => {
      toast.show(t(site ? 'sitesPage.saved' : 'sitesPage.created', { name: saved.name }));
      await onSaved();
      onClose();
    },
    // A new site is created before its phone-app side is saved: refresh so a retry edits it.
    onError: () => void onSaved(),
  });

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const parsed = draft.fenced ? parseGeofence(draft.fence) : null;
    const next: GeofenceErrors & { name?: true } = parsed && !parsed.ok ? { ...parsed.errors } : {};
    if (!draft.name.trim()) next.name = true;
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    save.mutate({ geofence: parsed?.ok ? parsed.value : null });
  };

  const locate = () => {
    setLocationError(false);
    if (!('geolocation' in navigator)) return setLocationError(true);
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setFence({ latitude: p.coords.latitude.toFixed(6), longitude: p.coords.longitude.toFixed(6) });
      },
      () => {
        setLocating(false);
        setLocationError(true);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  const toggleOfficer = (id: string, on: boolean) =>
    setDraft((d) => {
      const officerIds = new Set(d.officerIds);
      if (on) officerIds.add(id);
      else officerIds.delete(id);
      return { ...d, officerIds };
    });

  return (
    <FormModal
      open
      onClose={onClose}
      size="lg"
      title={site ? t('sitesPage.editSite', { name: site.name }) : t('sitesPage.newSite')}
      formId="site-form"
      onSubmit={submit}
      submitLabel={site ? t('sitesPage.save') : t('sitesPage.create')}
      submitting={save.isPending}
      formClassName="space-y-4"
    >
      <FormError>{save.isError ? errorMessage(t, save.error) : null}</FormError>
      <TextField
        label={t('sitesPage.name')}
        value={draft.name}
        maxLength={120}
        required
        error={errors.name ? t('sitesPage.nameRequired') : null}
        onChange={(e) => set({ name: e.target.value })}
      />
      {site ? null : (
        <TextField
          label={t('sitesPage.address')}
          optional
          value={draft.address}
          maxLength={300}
          onChange={(e) => set({ address: e.target.value })}
        />
      )}
      <fieldset className="space-y-3 rounded-lg border border-border p-3">
        <legend className="px-1 text-sm font-medium text-fg">{t('sitesPage.geofence')}</legend>
        <Checkbox
          label={t('sitesPage.useGeofence')}
          checked={draft.fenced}
          onChange={(e) => set({ fenced: e.target.checked })}
        />
        {draft.fenced ? (
          <>
            <div className="grid gap-3 sm:grid-cols-3">
              <TextField
                label={t('sitesPage.latitude')}
                inputMode="decimal"
                value={draft.fence.latitude}
                error={errors.latitude ? t('sitesPage.latitudeInvalid') : null}
                onChange={(e) => setFence({ latitude: e.target.value })}
              />
              <TextField
                label={t('sitesPage.longitude')}
                inputMode="decimal"
                value={draft.fence.longitude}
                error={errors.longitude ? t('sitesPage.longitudeInvalid') : null}
                onChange={(e) => setFence({ longitude: e.target.value })}
              />
              <TextField
                label={t('sitesPage.radiusM')}
                inputMode="numeric"
                value={draft.fence.radius}
                error={errors.radius ? t('sitesPage.radiusInvalid') : null}
                onChange={(e) => setFence({ radius: e.target.value })}
              />
            </div>
            <p className="text-xs text-muted">{t('sitesPage.radiusHint')}</p>
            <Button size="sm" icon="globe" loading={locating} onClick={locate}>
              {locating ? t('sitesPage.locating') : t('sitesPage.useMyLocation')}
            </Button>
            {locationError ? <FormError>{t('sitesPage.locationFailed')}</FormError> : null}
          </>
        ) : null}
      </fieldset>
      <Checkbox
        label={t('sitesPage.siteOnlyOne')}
        checked={draft.siteOnly || orgSiteOnly}
        disabled={orgSiteOnly}
        onChange={(e) => set({ siteOnly: e.target.checked })}
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-fg">{t('sitesPage.officers')}</legend>
        <p className="text-xs text-muted">
          {mayAssign ? t('sitesPage.officersHint') : t('sitesPage.officersReadOnly')}
        </p>
        {officers.length === 0 ? (
          <p className="text-sm text-muted">{t('sitesPage.officersNone')}</p>
        ) : (
          <ul className="grid gap-2 sm:grid-cols-2">
            {officers.map((o) => (
              <li key={o.user_id}>
                <Checkbox
                  label={`${o.name} · ${o.email}`}
                  className="break-all"
                  checked={draft.officerIds.has(o.user_id)}
                  disabled={!mayAssign}
                  onChange={(e) => toggleOfficer(o.user_id, e.target.checked)}
                />
              </li>
            ))}
          </ul>
        )}
      </fieldset>
    </FormModal>
  );
}
