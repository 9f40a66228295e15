import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { MobileMe, SessionInfo } from '@hadir/contracts';
import { Button, Card, CardBody, FormError, PageHeader, TextField } from '@hadir/ui';
import { ApiError, call, data, setCsrf } from './api';
import { captureFrames, useCamera } from './camera';
import { CameraView, OutcomeLine, TopBar, type Outcome } from './chrome';
import { forgetDevice, loadDevice, saveDevice, type Device, type Who } from './device';
import { signUnlock } from './sign';

/** Why an unlock failed, in the person's language. */
function unlockError(t: TFunction, e: unknown): string {
  if (!(e instanceof ApiError)) return t('common.unknownError');
  switch (e.code) {
    case 'wrong_pin':
      return t('m.unlock.wrongPin');
    case 'face_not_verified':
      return t('m.unlock.faceFailed', { reason: e.message });
    case 'too_many_attempts':
      return t('m.unlock.throttled');
    case 'no_pin':
      return t('m.unlock.noPin');
    case 'network':
      return t('m.unlock.offline');
    default:
      return t('m.unlock.failed');
  }
}

/**
 * Sign in again on this registered phone: its PIN, or the face (1:1 with the head-turn liveness). A
 * revoked phone is forgotten here and the password is asked for again.
 */
export function UnlockScreen({
  device,
  who,
  onDone,
  onPassword,
}: {
  device: Device;
  who: Who;
  onDone: () => Promise<void>;
  onPassword: (message?: string) => void;
}) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [face, setFace] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unlock = async (body: object, method: 'pin' | 'face') => {
    setBusy(true);
    setError(null);
    try {
      const proof = await signUnlock(device.device_key, device.device_id, method);
      const s = await call<SessionInfo>('POST', '/api/mobile/unlock', { ...proof, ...body });
      setCsrf(s.csrfToken);
      await onDone();
      return;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'device_revoked') {
        forgetDevice();
        return onPassword(t('m.unlock.revoked'));
      }
      setError(unlockError(t, e));
    }
    setBusy(false);
  };
  const submitPin = (e: FormEvent) => {
    e.preventDefault();
    void unlock({ pin }, 'pin');
  };
  return (
    <>
      <TopBar />
      <main className="mx-auto max-w-md space-y-4 p-4">
        <PageHeader title={t('m.unlock.title', { name: who.name })} description={t('m.unlock.hint')} />
        {face ? (
          <FaceUnlock busy={busy} onFrames={(frames) => unlock(frames, 'face')} />
        ) : device.pin_set ? (
          <Card>
            <CardBody>
              <form className="space-y-4" onSubmit={submitPin}>
                <TextField
                  label={t('m.unlock.pin')}
                  type="password"
                  inputMode="numeric"
                  autoComplete="off"
                  pattern="\d{4,8}"
                  maxLength={8}
                  value={pin}
                  onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                  required
                />
                <Button type="submit" variant="primary" className="w-full" loading={busy}>
                  {t('m.unlock.withPin')}
                </Button>
              </form>
            </CardBody>
          </Card>
        ) : null}
        {error ? <FormError>{error}</FormError> : null}
        {who.member ? (
          <Button className="w-full" onClick={() => setFace((f) => !f)}>
            {face ? t('m.unlock.usePin') : t('m.unlock.withFace')}
          </Button>
        ) : null}
        <Button variant="ghost" className="w-full" onClick={() => onPassword()}>
          {t('m.unlock.usePassword')}
        </Button>
      </main>
    </>
  );
}

function FaceUnlock({
  busy,
  onFrames,
}: {
  busy: boolean;
  onFrames: (body: { face_image: string; liveness_frames: string[] }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const cam = useCamera();
  const go = async () => {
    const frames = await captureFrames(cam.capture, 4, 400);
    if (frames.length < 3) return;
    await onFrames({ face_image: frames[0]!, liveness_frames: frames });
  };
  return (
    <div className="space-y-3">
      <CameraView videoRef={cam.videoRef} error={cam.error} compact />
      <p className="text-sm text-muted">{t('m.camera.turn')}</p>
      <Button
        variant="primary"
        className="w-full"
        disabled={!cam.ready}
        loading={busy}
        onClick={() => void go()}
      >
        {t('m.unlock.lookAndTurn')}
      </Button>
    </div>
  );
}

/** The account tab: who is signed in, this phone, and its unlock PIN. */
export function AccountScreen({ me }: { me: MobileMe }) {
  const { t } = useTranslation();
  const [device, setDevice] = useState<Device | null>(loadDevice());
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!device) return;
    if (pin !== again) return setOutcome({ tone: 'danger', text: t('m.account.pinMismatch') });
    setBusy(true);
    setOutcome(null);
    try {
      await data('PUT', `/api/mobile/devices/${device.device_id}/pin`, { pin });
      const next = { ...device, pin_set: true };
      saveDevice(next);
      setDevice(next);
      setPin('');
      setAgain('');
      setOutcome({ tone: 'success', text: t('m.account.pinSaved') });
    } catch (err) {
      setOutcome({
        tone: 'danger',
        text: err instanceof ApiError ? err.message : t('common.unknownError'),
      });
    }
    setBusy(false);
  };
  return (
    <div className="space-y-4">
      <PageHeader title={t('m.account.title')} description={me.member_name ?? me.name} />
      <Card>
        <CardBody className="space-y-4">
          <div>
            <p className="font-medium text-fg">{t('m.account.pinTitle')}</p>
            <p className="text-sm text-muted">
              {device?.pin_set ? t('m.account.pinIsSet') : t('m.account.pinHint')}
            </p>
          </div>
          {device ? (
            <form className="space-y-3" onSubmit={(e) => void save(e)}>
              <TextField
                label={t('m.account.newPin')}
                type="password"
                inputMode="numeric"
                autoComplete="new-password"
                pattern="\d{4,8}"
                maxLength={8}
                value={pin}
                onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                hint={t('m.account.pinRule')}
                required
              />
              <TextField
                label={t('m.account.repeatPin')}
                type="password"
                inputMode="numeric"
                autoComplete="new-password"
                maxLength={8}
                value={again}
                onChange={(e) => setAgain(e.target.value.replace(/\D/g, ''))}
                required
              />
              <Button type="submit" variant="primary" className="w-full" loading={busy}>
                {t('m.account.savePin')}
              </Button>
            </form>
          ) : (
            <p className="text-sm text-muted">{t('m.account.noDevice')}</p>
          )}
          <OutcomeLine outcome={outcome} testId="account-outcome" />
        </CardBody>
      </Card>
    </div>
  );
}
