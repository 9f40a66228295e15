import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../i18n';
import { intlTag } from '../../i18n/format';
import { SelectField } from '@hadir/ui';

/** Countries Hadir is used in first; any other stored code is kept as an option. */
const COUNTRIES = ['ID', 'VN', 'MY', 'SG', 'PH', 'TH'] as const;

/** The country whose local phone numbers (0812…) people type; names come from the browser (Intl). */
export function CountryField({ value, onChange }: { value: string; onChange: (country: string) => void }) {
  const { t } = useTranslation();
  const names = new Intl.DisplayNames([intlTag(currentLocale())], { type: 'region' });
  const codes = (COUNTRIES as readonly string[]).includes(value) ? COUNTRIES : [value, ...COUNTRIES];
  return (
    <SelectField
      label={t('lv.country')}
      hint={t('lv.countryHint')}
      name="country"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {codes.map((c) => (
        <option key={c} value={c}>
          {names.of(c) ?? c}
        </option>
      ))}
    </SelectField>
  );
}
