import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  TEMPLATE_FIELDS,
  TEMPLATE_SLOTS,
  WhatsAppTemplates,
  type TemplateField,
  type TemplateSlot,
  type WhatsAppTemplateRef,
} from '@hadir/contracts';
import { Button, IconButton, Checkbox, Field, Select, TextField } from '@hadir/ui';

export interface TemplateDraft {
  name: string;
  languageCode: string;
  parameters: TemplateField[];
  bodyText: string;
  documentHeader: boolean;
}
export type TemplateDrafts = Record<TemplateSlot, TemplateDraft | null>;

const NAME_RE = /^[a-z0-9_]+$/;
/** Meta's guide to creating templates and their review (docs/WHATSAPP.md walks through it for Hadir). */
export const TEMPLATE_DOCS_URL =
  'https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates';

/** The channel's stored templates (whatever shape the server holds) as editable drafts. */
export function draftsOf(settings: Record<string, unknown>): TemplateDrafts {
  const parsed = WhatsAppTemplates.safeParse(settings.templates ?? {});
  const stored = parsed.success ? parsed.data : { alert: null, returned: null, dailyReport: null };
  const toDraft = (ref: WhatsAppTemplateRef | null): TemplateDraft | null =>
    ref
      ? {
          name: ref.name,
          languageCode: ref.languageCode,
          parameters: [...ref.parameters],
          bodyText: ref.bodyText ?? '',
          documentHeader: ref.documentHeader,
        }
      : null;
  return {
    alert: toDraft(stored.alert),
    returned: toDraft(stored.returned),
    dailyReport: toDraft(stored.dailyReport),
  };
}

/** Drafts → the `templates` setting the API takes. */
export function templatesSetting(drafts: TemplateDrafts) {
  const out: Record<TemplateSlot, WhatsAppTemplateRef | null> = {
    alert: null,
    returned: null,
    dailyReport: null,
  };
  for (const slot of TEMPLATE_SLOTS) {
    const d = drafts[slot];
    out[slot] = d
      ? {
          name: d.name.trim(),
          languageCode: d.languageCode.trim(),
          parameters: d.parameters,
          bodyText: d.bodyText.trim() ? d.bodyText : null,
          documentHeader: slot === 'dailyReport' && d.documentHeader,
        }
      : null;
  }
  return out;
}

/** Field errors keyed `templates.<slot>.name` / `.languageCode`, empty when the drafts can be saved. */
export function templateErrors(drafts: TemplateDrafts, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const slot of TEMPLATE_SLOTS) {
    const d = drafts[slot];
    if (!d) continue;
    if (!d.name.trim()) errors[`templates.${slot}.name`] = t('validation.required');
    else if (!NAME_RE.test(d.name.trim())) errors[`templates.${slot}.name`] = t('wa.nameInvalid');
    if (d.languageCode.trim().length < 2) errors[`templates.${slot}.languageCode`] = t('validation.required');
  }
  return errors;
}

/**
 * The approved body with {{1}}, {{2}} … replaced by the values in parameter order, as WhatsApp fills
 * it. A placeholder without a parameter stays visible so a wrong count shows in the preview.
 */
export function fillTemplate(bodyText: string, values: readonly string[]): string {
  return bodyText.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => values[Number(n) - 1] ?? whole);
}

/** How many {{n}} placeholders the approved body declares (the highest n). */
export function placeholderCount(bodyText: string): number {
  let max = 0;
  for (const m of bodyText.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) max = Math.max(max, Number(m[1]));
  return max;
}

const EMPTY: TemplateDraft = {
  name: '',
  languageCode: '',
  parameters: ['message'],
  bodyText: '',
  documentHeader: false,
};

/** Template name, language, parameter order and a preview of the filled template, per message kind. */
export function TemplatesEditor({
  drafts,
  onChange,
  errors,
  defaultLanguage,
}: {
  drafts: TemplateDrafts;
  onChange: (next: TemplateDrafts) => void;
  errors: Record<string, string>;
  defaultLanguage: string;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="space-y-3 sm:col-span-2" data-testid="wa-templates">
      <legend className="text-sm font-semibold text-fg">{t('wa.templates')}</legend>
      <p className="text-xs text-muted">
        {t('wa.templatesHint')}{' '}
        <a className="text-primary-text underline" href={TEMPLATE_DOCS_URL} target="_blank" rel="noreferrer">
          {t('wa.howTo')}
        </a>
      </p>
      {TEMPLATE_SLOTS.map((slot) => (
        <SlotEditor
          key={slot}
          slot={slot}
          draft={drafts[slot]}
          errors={errors}
          onChange={(d) => onChange({ ...drafts, [slot]: d })}
          defaultLanguage={defaultLanguage}
        />
      ))}
    </fieldset>
  );
}

function SlotEditor({
  slot,
  draft,
  onChange,
  errors,
  defaultLanguage,
}: {
  slot: TemplateSlot;
  draft: TemplateDraft | null;
  onChange: (d: TemplateDraft | null) => void;
  errors: Record<string, string>;
  defaultLanguage: string;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<TemplateDraft>) => draft && onChange({ ...draft, ...patch });
  const values = draft?.parameters.map((f) => t(`wa.sample.${f}`)) ?? [];
  const expected = draft ? placeholderCount(draft.bodyText) : 0;
  return (
    <div className="rounded-lg border border-border p-3" data-testid={`wa-template-${slot}`}>
      <Checkbox
        label={`${t('wa.use')}: ${t(`wa.slot.${slot}`)}`}
        checked={draft !== null}
        onChange={(e) => onChange(e.target.checked ? { ...EMPTY, languageCode: defaultLanguage } : null)}
      />
      {draft ? (
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <TextField
            label={t('wa.name')}
            hint={t('wa.nameHint')}
            value={draft.name}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => set({ name: e.target.value })}
            error={errors[`templates.${slot}.name`] ?? errors[`settings.templates.${slot}.name`]}
          />
          <TextField
            label={t('wa.language')}
            hint={t('wa.languageHint')}
            value={draft.languageCode}
            autoComplete="off"
            onChange={(e) => set({ languageCode: e.target.value })}
            error={errors[`templates.${slot}.languageCode`]}
          />
          <div className="space-y-2 sm:col-span-2">
            <p className="text-sm font-medium text-fg">{t('wa.parameters')}</p>
            <p className="text-xs text-muted">{t('wa.parametersHint', { p1: '{{1}}', p2: '{{2}}' })}</p>
            <ol className="space-y-2">
              {draft.parameters.map((field, i) => (
                <li key={i} className="flex items-center gap-2">
                  <span className="w-10 shrink-0 font-mono text-sm text-muted">{`{{${i + 1}}}`}</span>
                  <div className="min-w-0 flex-1 sm:max-w-xs">
                    <Select
                      aria-label={`${t('wa.parameters')} ${i + 1}`}
                      value={field}
                      onChange={(e) =>
                        set({
                          parameters: draft.parameters.map((p, j) =>
                            j === i ? (e.target.value as TemplateField) : p,
                          ),
                        })
                      }
                    >
                      {TEMPLATE_FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {t(`wa.field.${f}`)}
                        </option>
                      ))}
                    </Select>
                  </div>
                  <IconButton
                    icon="chevronLeft"
                    className="rotate-90"
                    label={t('wa.moveUp', { n: i + 1 })}
                    disabled={i === 0}
                    onClick={() => {
                      const next = [...draft.parameters];
                      [next[i - 1], next[i]] = [next[i] as TemplateField, next[i - 1] as TemplateField];
                      set({ parameters: next });
                    }}
                  />
                  <IconButton
                    icon="trash"
                    label={t('wa.removeParameter', { n: i + 1 })}
                    onClick={() => set({ parameters: draft.parameters.filter((_, j) => j !== i) })}
                  />
                </li>
              ))}
            </ol>
            {draft.parameters.length < 10 ? (
              <Button
                size="sm"
                icon="plus"
                onClick={() => set({ parameters: [...draft.parameters, 'employeeName'] })}
              >
                {t('wa.addParameter')}
              </Button>
            ) : null}
          </div>
          <Field
            label={t('wa.bodyText')}
            hint={t('wa.bodyTextHint', { p1: '{{1}}', p2: '{{2}}' })}
            optional
            className="sm:col-span-2"
          >
            {(p) => (
              <textarea
                {...p}
                rows={2}
                value={draft.bodyText}
                onChange={(e) => set({ bodyText: e.target.value })}
                className="block w-full rounded-lg border border-border-strong/70 bg-surface px-3 py-2 text-sm text-fg"
              />
            )}
          </Field>
          {slot === 'dailyReport' ? (
            <Checkbox
              className="sm:col-span-2"
              label={t('wa.documentHeader')}
              checked={draft.documentHeader}
              onChange={(e) => set({ documentHeader: e.target.checked })}
            />
          ) : null}
          <div className="sm:col-span-2" data-testid={`wa-preview-${slot}`}>
            <p className="text-sm font-medium text-fg">{t('wa.preview')}</p>
            {draft.bodyText.trim() ? (
              <p className="mt-1 rounded-lg bg-accent-soft p-3 text-sm whitespace-pre-wrap text-fg">
                {fillTemplate(draft.bodyText, values)}
              </p>
            ) : (
              <p className="mt-1 text-xs text-muted">{t('wa.previewEmpty')}</p>
            )}
            {draft.bodyText.trim() && expected !== draft.parameters.length ? (
              <p className="mt-1 text-xs text-danger-text" role="alert">
                {t('wa.providerError.132000')}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** A provider refusal in the user's language with the provider's code; the raw text stays available. */
export function providerErrorText(t: TFunction, code: string | null, raw: string | null): string {
  if (!code) return raw ?? '';
  const known = t(`wa.providerError.${code}`, { defaultValue: '' });
  return `${known || t('wa.providerError.unknown')} (${t('wa.providerCode', { code })})`;
}
