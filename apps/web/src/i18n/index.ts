import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '@hadir/contracts';
import { en } from './en';
import { id } from './id';
import { vi } from './vi';

export const LOCALES = ['id', 'en', 'vi'] as const satisfies readonly Locale[];
/** Language names are shown in their own language, whatever the UI language is. */
export const LOCALE_NAMES: Record<Locale, string> = {
  id: 'Bahasa Indonesia',
  en: 'English',
  vi: 'Tiếng Việt',
};
export const LOCALE_SHORT: Record<Locale, string> = { id: 'ID', en: 'EN', vi: 'VI' };

const STORAGE_KEY = 'hadir.lang';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Stored choice first; then the browser's languages (the first one we support); otherwise Indonesian,
 * the default for new users.
 */
export function detectLocale(
  stored: string | null = safeStorageGet(),
  browser: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages,
): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'in') return 'id'; // legacy code for Indonesian
    if (isLocale(base)) return base;
  }
  return 'id';
}

function safeStorageGet(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export const resources = {
  en: { translation: en },
  id: { translation: id },
  vi: { translation: vi },
} as const;

export function initI18n(lng: Locale = detectLocale()) {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources,
      lng,
      fallbackLng: 'en',
      interpolation: { escapeValue: false }, // React escapes
      returnNull: false,
      initAsync: false,
    });
    syncDocumentLang(lng);
  }
  return i18next;
}

function syncDocumentLang(lng: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}

export function currentLocale(): Locale {
  return isLocale(i18next.language) ? i18next.language : 'id';
}

export async function setLocale(lng: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // private mode: the choice lasts for this page only
  }
  syncDocumentLang(lng);
  await i18next.changeLanguage(lng);
}

export { i18next };
