import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { UnknownFaceGroup } from '@hadir/contracts';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import {
  Button,
  Card,
  type ComboOption,
  EmptyState,
  Field,
  FormError,
  ConfirmDialog,
  Modal,
  PageHeader,
  Skeleton,
  useToast,
} from '@hadir/ui';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { camerasApi, dashKeys, facesApi } from '../dashboard/dashboard-api';

/** Faces the cameras saw but could not match, grouped by likeness: enrol them or dismiss them. */
export function UnknownFacesPage() {
  const { t } = useTranslation();
  const canRegister = useCan('member:face:register');
  const canCameras = useCan('camera:view');
  const cameras = useQuery({ queryKey: dashKeys.cameras, queryFn: camerasApi.list, enabled: canCameras });
  const cameraName = (id: string) => cameras.data?.find((c) => c.id === id)?.name ?? id;
  const groups = useQuery({
    queryKey: dashKeys.unknown,
    queryFn: facesApi.unknownGroups,
    refetchInterval: 30_000,
  });
  const [assigning, setAssigning] = useState<UnknownFaceGroup | null>(null);
  const [dismissing, setDismissing] = useState<UnknownFaceGroup | null>(null);
  const qc = useQueryClient();
  const toast = useToast();
  const dismiss = useMutation({
    mutationFn: (g: UnknownFaceGroup) => facesApi.dismiss(g.clusterId),
    onSuccess: async () => {
      setDismissing(null);
      toast.show(t('dash.unknown.dismissed'));
      await qc.invalidateQueries({ queryKey: dashKeys.unknown });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });

  return (
    <>
      <PageHeader title={t('dash.unknown.title')} description={t('dash.unknown.subtitle')} />
      {groups.error ? <FormError>{errorMessage(t, groups.error)}</FormError> : null}
      {groups.isPending ? (
        <Skeleton className="h-48" />
      ) : groups.data && groups.data.items.length === 0 ? (
        <Card>
          <EmptyState
            icon="check"
            title={t('dash.unknown.empty')}
            description={t('dash.unknown.emptyHint')}
          />
        </Card>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3">
          {groups.data?.items.map((g) => (
            <GroupCard
              key={g.clusterId}
              group={g}
              canRegister={canRegister}
              cameraName={cameraName}
              onAssign={() => setAssigning(g)}
              onDismiss={() => setDismissing(g)}
            />
          ))}
        </ul>
      )}
      {assigning ? <AssignDialog group={assigning} onClose={() => setAssigning(null)} /> : null}
      <ConfirmDialog
        open={dismissing !== null}
        tone="primary"
        title={t('dash.unknown.dismissTitle')}
        body={t('dash.unknown.dismissBody')}
        confirmLabel={t('dash.unknown.dismiss')}
        busy={dismiss.isPending}
        onConfirm={() => dismissing && dismiss.mutate(dismissing)}
        onCancel={() => setDismissing(null)}
      />
    </>
  );
}

function GroupCard({
  group: g,
  canRegister,
  cameraName,
  onAssign,
  onDismiss,
}: {
  group: UnknownFaceGroup;
  canRegister: boolean;
  cameraName: (id: string) => string;
  onAssign: () => void;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  const time = useOrgTime();
  return (
    <li className="min-w-0" data-testid="unknown-group">
      <Card className="flex h-full flex-col p-4">
        <div className="flex gap-2 overflow-x-auto pb-1">
          {g.snapshotIds.slice(0, 5).map((id) => (
            <img
              key={id}
              src={facesApi.snapshotUrl(id)}
              alt={t('dash.unknown.faceAlt')}
              loading="lazy"
              className="h-20 w-20 shrink-0 rounded-lg bg-surface-2 object-cover"
            />
          ))}
        </div>
        <p className="mt-3 text-sm font-medium text-fg">{t('dash.unknown.sightings', { count: g.count })}</p>
        <p className="text-xs text-muted">
          {t('dash.unknown.seen', {
            first: time.dateTime(g.firstSeenAt),
            last: time.dateTime(g.lastSeenAt),
          })}
        </p>
        {g.cameraIds.length > 0 ? (
          <p className="truncate text-xs text-muted">
            {t('dash.unknown.cameras', { list: g.cameraIds.map(cameraName).join(', ') })}
          </p>
        ) : null}
        {canRegister ? (
          <div className="mt-auto flex flex-wrap gap-2 pt-3">
            <Button size="sm" variant="primary" onClick={onAssign}>
              {t('dash.unknown.assign')}
            </Button>
            <Button size="sm" onClick={onDismiss}>
              {t('dash.unknown.dismiss')}
            </Button>
          </div>
        ) : null}
      </Card>
    </li>
  );
}

function AssignDialog({ group, onClose }: { group: UnknownFaceGroup; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const assign = useMutation({
    mutationFn: () => facesApi.assign(group.clusterId, employee!.id),
    onSuccess: async (r) => {
      toast.show(t('dash.unknown.assigned', { count: r.samplesAdded, name: employee?.label ?? '' }));
      await qc.invalidateQueries({ queryKey: dashKeys.unknown });
      onClose();
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  return (
    <Modal
      open
      onClose={onClose}
      title={t('dash.unknown.assignTitle')}
      description={t('dash.unknown.assignHint')}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            disabled={!employee}
            loading={assign.isPending}
            onClick={() => assign.mutate()}
          >
            {t('dash.unknown.assign')}
          </Button>
        </>
      }
    >
      <Field label={t('dash.common.employee')}>
        {(p) => (
          <EmployeeCombobox
            control={p}
            value={employee}
            onChange={setEmployee}
            queryKey="dash-assign-employee"
            noneLabel={t('common.none')}
          />
        )}
      </Field>
    </Modal>
  );
}
