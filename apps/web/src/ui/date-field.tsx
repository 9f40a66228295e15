import type { ComponentProps } from 'react';
import type { Locale } from '@hadir/contracts';
import {
  DateField as SharedDateField,
  datePattern as sharedDatePattern,
  formatDateInput as sharedFormat,
  parseDateInput as sharedParse,
} from '@hadir/ui';
import { currentLocale } from '../i18n';
import { intlTag } from '../i18n/format';

/** The shared date field (packages/ui) in the website's language; dd/mm/yyyy in id, vi and en. */
export function DateField(props: Omit<ComponentProps<typeof SharedDateField>, 'intlTag'>) {
  return <SharedDateField {...props} intlTag={intlTag(currentLocale())} />;
}

export const datePattern = (locale: Locale) => sharedDatePattern(intlTag(locale));
/** "2026-01-05" → "05/01/2026" in the locale's order. */
export const formatDateInput = (iso: string, locale: Locale) => sharedFormat(iso, intlTag(locale));
/** What was typed, in the locale's order or as ISO, as YYYY-MM-DD; null when not a real date. */
export const parseDateInput = (text: string, locale: Locale) => sharedParse(text, intlTag(locale));
