import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { id } from './id';
import { vi } from './vi';

export const LOCALES = ['id', 'en', 'vi'] as const;
export type Locale = (typeof LOCALES)[number];
const KEY = 'hadir.m.locale';

function detect(): Locale {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored === 'id' || stored === 'en' || stored === 'vi') return stored;
  } catch {
    // private mode: fall through to the browser language
  }
  const nav = typeof navigator === 'undefined' ? 'id' : navigator.language.slice(0, 2);
  return nav === 'en' || nav === 'vi' ? nav : 'id';
}

export function initI18n(lng: Locale = detect()): void {
  void i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    resources: { en: { translation: en }, id: { translation: id }, vi: { translation: vi } },
    interpolation: { escapeValue: false },
  });
}

export async function setLocale(lng: Locale): Promise<void> {
  try {
    localStorage.setItem(KEY, lng);
  } catch {
    // not persisted; still switch
  }
  document.documentElement.lang = lng;
  await i18next.changeLanguage(lng);
}

export { i18next };

/** Intl tags of the app's languages: dd/mm/yyyy dates in each (en-GB, not en-US). */
const INTL_TAG: Record<Locale, string> = { id: 'id-ID', en: 'en-GB', vi: 'vi-VN' };
export const intlTag = (lng: string): string => INTL_TAG[lng as Locale] ?? 'en-GB';

/** "2026-01-05" → "05/01/2026" as the app's language writes a date. */
export function formatDay(iso: string, lng: string): string {
  const [y = 1970, m = 1, d = 1] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(intlTag(lng), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A time of day in the organization's zone (the app may run on a phone set to another). */
export function formatTime(iso: string, lng: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(intlTag(lng), {
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}
