import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { syncCanonical, unlockCanonical } from '@hadir/contracts';
import { en } from './i18n/en';
import { id } from './i18n/id';
import { vi } from './i18n/vi';
import { searchMembers } from './members-cache';
import { toSyncRecord } from './queue';
import { signBatch, signUnlock } from './sign';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`),
  );

describe('the mobile app', () => {
  it('signs a sync batch exactly as the server checks it (WebCrypto HMAC = node:crypto HMAC)', async () => {
    const batch = {
      device_id: 'dev1',
      sent_at: '2026-01-05T02:00:00.000Z',
      records: [
        {
          client_id: 'client-1-abcdef',
          member_id: 'm1',
          type: 'check_in' as const,
          occurred_at: '2026-01-05T01:59:00.000Z',
          face_image: 'aGVsbG8=',
          mode: 'self' as const,
        },
      ],
    };
    const signed = await signBatch('device-key', batch);
    expect(signed.signature).toBe(
      createHmac('sha256', 'device-key').update(syncCanonical(batch)).digest('hex'),
    );
    const tampered = { ...batch, records: [{ ...batch.records[0]!, type: 'check_out' as const }] };
    expect((await signBatch('device-key', tampered)).signature).not.toBe(signed.signature);
  });

  it('signs an officer’s offline capture (no member, a site) as the server checks it, the site included', async () => {
    const record = toSyncRecord({
      client_id: 'client-2-abcdef',
      type: 'check_in',
      occurred_at: '2026-01-05T01:59:00.000Z',
      face_image: 'aGVsbG8=',
      mode: 'officer',
      site_id: 'site-north',
      queuedAt: 1,
      label: 'shown only',
    });
    expect(record).not.toHaveProperty('label');
    expect(record).not.toHaveProperty('queuedAt');
    const batch = { device_id: 'dev1', sent_at: '2026-01-05T02:00:00.000Z', records: [record] };
    const signed = await signBatch('device-key', batch);
    expect(signed.signature).toBe(
      createHmac('sha256', 'device-key').update(syncCanonical(batch)).digest('hex'),
    );
    const moved = { ...batch, records: [{ ...record, site_id: 'site-south' }] };
    expect((await signBatch('device-key', moved)).signature).not.toBe(signed.signature);
    const unsited = { ...batch, records: [{ ...record, site_id: undefined }] };
    expect((await signBatch('device-key', unsited)).signature).not.toBe(signed.signature);
  });

  it('searches the cached member list offline by name or code, as the server does', () => {
    const m = (code: string, name: string) => ({
      id: code,
      employee_code: code,
      name,
      status: 'active',
      face_registered: true,
    });
    const list = [m('EMP002', 'Rina Wati'), m('EMP001', 'Budi Santoso'), m('EMP010', 'Ani Rina')];
    expect(searchMembers(list, 'rina').map((x) => x.employee_code)).toEqual(['EMP002', 'EMP010']);
    expect(searchMembers(list, 'emp00').map((x) => x.employee_code)).toEqual(['EMP001', 'EMP002']);
    expect(searchMembers(list, 'r')).toEqual([]);
  });

  it('signs an unlock proof exactly as the server checks it, bound to the factor', async () => {
    const now = new Date('2026-01-05T02:00:00.000Z');
    const proof = await signUnlock('device-key', 'dev1', 'pin', now);
    expect(proof).toEqual({
      device_id: 'dev1',
      sent_at: now.toISOString(),
      signature: createHmac('sha256', 'device-key')
        .update(unlockCanonical({ device_id: 'dev1', sent_at: now.toISOString(), method: 'pin' }))
        .digest('hex'),
    });
    expect((await signUnlock('device-key', 'dev1', 'face', now)).signature).not.toBe(proof.signature);
  });

  it('has the same strings in English, Indonesian and Vietnamese, none empty', () => {
    expect(keys(id).sort()).toEqual(keys(en).sort());
    expect(keys(vi).sort()).toEqual(keys(en).sort());
    for (const lang of [en, id, vi]) {
      const flat = JSON.stringify(lang);
      expect(flat).not.toMatch(/""/);
    }
  });
});
