import { useState } from 'react';
import type { AttendanceStatus } from '@hadir/contracts';
import { FormError, SelectField, TextField } from '@hadir/ui';
import { startOfLocalDay } from '../dashboard/time';

/** Statuses a correction may set (never `pending`, which only the derivation gives). */
const CORRECTABLE: AttendanceStatus[] = [
  'present',
  'late',
  'early_leave',
  'half_day',
  'absent',
  'excused',
  'day_off',
  'holiday',
];

/** "HH:MM" on a local date in the org zone → ISO instant. */
export function localTimeToIso(date: string, hhmm: string, timeZone: string | undefined): string | null {
  const midnight = startOfLocalDay(date, timeZone);
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!midnight || !m) return null;
  return new Date(Date.parse(midnight) + (Number(m[1]) * 60 + Number(m[2])) * 60_000).toISOString();
}

/** The fields of a day correction (a manager's, or an employee's request), and the body they make. */
export function useDayCorrectionDraft() {
  const [checkIn, setCheckIn] = useState('');
  const [checkOut, setCheckOut] = useState('');
  const [status, setStatus] = useState<AttendanceStatus | ''>('');
  const [note, setNote] = useState('');
  const body = (date: string, timeZone: string | undefined) => ({
    date,
    checkInAt: checkIn ? localTimeToIso(date, checkIn, timeZone) : null,
    checkOutAt: checkOut ? localTimeToIso(date, checkOut, timeZone) : null,
    status: status || null,
    note,
  });
  return { checkIn, setCheckIn, checkOut, setCheckOut, status, setStatus, note, setNote, body };
}
export type DayCorrectionDraft = ReturnType<typeof useDayCorrectionDraft>;

/** Check-in, check-out, new status and the required note, in a two-column form grid. */
export function DayCorrectionFields({
  draft,
  labels,
  statusLabel,
  noteMaxLength,
  error,
}: {
  draft: DayCorrectionDraft;
  labels: { checkIn: string; checkOut: string; status: string; keep: string; note: string };
  statusLabel: (s: AttendanceStatus) => string;
  noteMaxLength?: number;
  error: string | null;
}) {
  return (
    <>
      <TextField
        label={labels.checkIn}
        type="time"
        value={draft.checkIn}
        onChange={(e) => draft.setCheckIn(e.target.value)}
      />
      <TextField
        label={labels.checkOut}
        type="time"
        value={draft.checkOut}
        onChange={(e) => draft.setCheckOut(e.target.value)}
      />
      <SelectField
        label={labels.status}
        className="col-span-2"
        value={draft.status}
        onChange={(e) => draft.setStatus(e.target.value as AttendanceStatus | '')}
      >
        <option value="">{labels.keep}</option>
        {CORRECTABLE.map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={labels.note}
        className="col-span-2"
        required
        maxLength={noteMaxLength}
        value={draft.note}
        onChange={(e) => draft.setNote(e.target.value)}
      />
      {error ? (
        <div className="col-span-2">
          <FormError>{error}</FormError>
        </div>
      ) : null}
    </>
  );
}
