import { describe, expect, it } from 'vitest';
import { initI18n } from '../../i18n';
import {
  draftsOf,
  fillTemplate,
  placeholderCount,
  providerErrorText,
  templateErrors,
  templatesSetting,
} from './whatsapp-templates';

describe('WhatsApp template form helpers', () => {
  it('fills {{n}} in parameter order and leaves a missing one visible', () => {
    expect(fillTemplate('{{1}} belum kembali ke {{2}} sejak {{ 3 }}.', ['Budi', 'Gudang A', '6 menit'])).toBe(
      'Budi belum kembali ke Gudang A sejak 6 menit.',
    );
    expect(fillTemplate('{{1}} di {{2}}', ['Budi'])).toBe('Budi di {{2}}');
    expect(placeholderCount('{{1}} di {{3}} {{2}}')).toBe(3);
    expect(placeholderCount('no placeholders')).toBe(0);
  });

  it('round-trips stored templates and drops the document header outside the daily report', () => {
    const drafts = draftsOf({
      templates: {
        alert: { name: 'hadir_alert', languageCode: 'id', parameters: ['employeeName', 'cameraName'] },
        dailyReport: { name: 'hadir_report', languageCode: 'id', documentHeader: true },
      },
    });
    expect(drafts.alert).toMatchObject({ name: 'hadir_alert', parameters: ['employeeName', 'cameraName'] });
    expect(drafts.returned).toBeNull();
    const out = templatesSetting({
      ...drafts,
      alert: { ...drafts.alert!, documentHeader: true, bodyText: '  ' },
    });
    expect(out.alert).toMatchObject({ documentHeader: false, bodyText: null });
    expect(out.dailyReport).toMatchObject({
      name: 'hadir_report',
      documentHeader: true,
      parameters: ['message'],
    });
    // An older channel without `templates` opens with none set rather than failing.
    expect(draftsOf({ phoneNumberId: '1' })).toEqual({ alert: null, returned: null, dailyReport: null });
  });

  it('validates names as WhatsApp stores them and explains provider codes in the user’s language', async () => {
    const i18n = initI18n('en');
    const t = i18n.t.bind(i18n);
    const base = { languageCode: 'id', parameters: [], bodyText: '', documentHeader: false };
    expect(
      templateErrors({ alert: { ...base, name: 'Hadir Alert' }, returned: null, dailyReport: null }, t),
    ).toEqual({ 'templates.alert.name': 'Lowercase letters, digits and _ only' });
    expect(providerErrorText(t, '131047', 'HTTP 400: Re-engagement message (code 131047)')).toMatch(
      /^WhatsApp refused free text.*\(code 131047\)$/,
    );
    expect(providerErrorText(t, '999999', 'HTTP 400: x (code 999999)')).toBe(
      'The provider refused the message. (code 999999)',
    );
    expect(providerErrorText(t, null, 'Provider unreachable')).toBe('Provider unreachable');
    await i18n.changeLanguage('id');
    expect(providerErrorText(t, '131047', 'x')).toMatch(/^WhatsApp menolak teks bebas.*\(kode 131047\)$/);
    await i18n.changeLanguage('en');
  });
});
