import { describe, expect, it } from 'vitest';
import { en } from './en';
import { id } from './id';
import { vi } from './vi';
import { detectLocale, i18next, setLocale } from './index';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/{{\s*([\w]+)[^}]*}}/g)].map((m) => m[1]).sort();

const locales = { en, id, vi } as unknown as Record<string, Tree>;
const flat = Object.fromEntries(Object.entries(locales).map(([k, v]) => [k, flatten(v)]));

describe('locale resources', () => {
  it('have exactly the same keys in en, id and vi', () => {
    const enKeys = [...flat.en!.keys()].sort();
    for (const lng of ['id', 'vi']) expect([...flat[lng]!.keys()].sort(), lng).toEqual(enKeys);
  });

  it('have no empty strings and the same {{placeholders}} as English', () => {
    for (const lng of ['en', 'id', 'vi']) {
      for (const [key, text] of flat[lng]!) {
        expect(text.trim(), `${lng}:${key}`).not.toBe('');
        expect(placeholders(text), `${lng}:${key}`).toEqual(placeholders(flat.en!.get(key)!));
      }
    }
  });

  it('keep Vietnamese in composed (NFC) form with its diacritics', () => {
    for (const [key, text] of flat.vi!) expect(text, key).toBe(text.normalize('NFC'));
    expect(flat.vi!.get('nav.employees')).toBe('Nhân viên');
    expect(flat.vi!.get('common.delete')).toBe('Xóa');
  });

  it('translate most strings (identical to English only for names and loanwords)', () => {
    for (const lng of ['id', 'vi']) {
      const same = [...flat[lng]!].filter(([k, v]) => v === flat.en!.get(k)).length;
      expect(same / flat.en!.size, lng).toBeLessThan(0.1);
    }
  });
});

describe('detectLocale', () => {
  it('prefers the stored choice', () => {
    expect(detectLocale('vi', ['en-US'])).toBe('vi');
  });
  it('follows the browser when it names a supported language', () => {
    expect(detectLocale(null, ['en-US', 'id'])).toBe('en');
    expect(detectLocale(null, ['vi-VN'])).toBe('vi');
    expect(detectLocale(null, ['in-ID'])).toBe('id');
  });
  it('defaults to Indonesian', () => {
    expect(detectLocale(null, ['fr-FR', 'de'])).toBe('id');
    expect(detectLocale(null, [])).toBe('id');
    expect(detectLocale('xx', [])).toBe('id');
  });
});

describe('i18next', () => {
  it('switches language, stores it and sets <html lang>', async () => {
    await setLocale('vi');
    expect(i18next.t('nav.settings')).toBe('Cài đặt');
    expect(localStorage.getItem('hadir.lang')).toBe('vi');
    expect(document.documentElement.lang).toBe('vi');
    await setLocale('id');
    expect(i18next.t('nav.employees')).toBe('Karyawan');
  });

  it('formats counts with locale grouping', async () => {
    await setLocale('id');
    expect(i18next.t('home.employeesCount', { count: 1234 })).toBe('1.234 karyawan');
    await setLocale('en');
    expect(i18next.t('home.employeesCount', { count: 1 })).toBe('1 employee');
    expect(i18next.t('home.employeesCount', { count: 1234 })).toBe('1,234 employees');
  });
});
