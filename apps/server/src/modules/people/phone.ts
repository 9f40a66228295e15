import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string } | { ok: false; message: string };

/** Whether libphonenumber knows the country (ISO 3166-1 alpha-2, e.g. ID, VN). */
export function isPhoneCountry(country: string): boolean {
  return isSupportedCountry(country);
}

/**
 * A phone number as people type it (`0812-3456-7890`, `+62 812…`, `62812…`) → E.164 (`+6281234567890`),
 * reading local numbers in the organization's country. Invalid numbers (wrong length or prefix for
 * the country) are refused with a message that says what was expected.
 */
export function normalizePhone(raw: string, country: string): PhoneResult {
  const text = raw.trim();
  const region = isSupportedCountry(country) ? country : undefined;
  // "6281234567890" (no plus, country code first) is common in spreadsheets: try it as international too.
  const candidates = [text];
  if (/^[1-9]\d{7,14}$/.test(text.replace(/[\s().-]/g, '')))
    candidates.push(`+${text.replace(/[\s().-]/g, '')}`);
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, region);
    if (parsed?.isValid()) return { ok: true, e164: parsed.number };
  }
  return {
    ok: false,
    message: `"${text.slice(0, 30)}" is not a valid phone number${region ? ` for ${region}` : ''}; use the local form like 0812 3456 7890 or the international form like +6281234567890`,
  };
}
