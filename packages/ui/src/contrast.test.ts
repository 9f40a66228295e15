import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** WCAG 2.1 contrast of the design tokens in tokens.css, for both themes. */
const css = fs.readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../tokens.css'),
  'utf8',
);

function tokens(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries(
    [...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1]!, m[2]!]),
  );
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// [foreground, background, minimum]: 4.5 for text, 3 for UI boundaries (inputs, focus ring).
const PAIRS: [string, string, number][] = [
  ['fg', 'bg', 4.5],
  ['fg', 'surface', 4.5],
  ['fg', 'surface-2', 4.5],
  ['muted', 'bg', 4.5],
  ['muted', 'surface', 4.5],
  ['muted', 'surface-2', 4.5],
  ['primary-fg', 'primary', 4.5],
  ['primary-fg', 'primary-hover', 4.5],
  ['primary-text', 'surface', 4.5],
  ['primary-text', 'primary-soft', 4.5],
  ['accent-fg', 'accent', 4.5],
  ['accent-text', 'surface', 4.5],
  ['accent-text', 'accent-soft', 4.5],
  ['danger-fg', 'danger', 4.5],
  ['danger-text', 'surface', 4.5],
  ['danger-text', 'danger-soft', 4.5],
  ['warning-text', 'warning-soft', 4.5],
  ['neutral-text', 'neutral-soft', 4.5],
  ['slate-text', 'slate-soft', 4.5],
  ['sidebar-fg', 'sidebar', 4.5],
  ['sidebar-fg', 'sidebar-active', 4.5],
  ['border-strong', 'surface', 3],
  ['ring', 'bg', 3],
  ['ring', 'surface', 3],
];

describe.each([
  ['light', ':root'],
  ['dark', '.dark'],
])('%s theme', (_name, selector) => {
  const t = tokens(selector);
  it('defines every token used in the checks', () => {
    for (const [fg, bg] of PAIRS) {
      expect(t[fg], fg).toBeDefined();
      expect(t[bg], bg).toBeDefined();
    }
  });
  it.each(PAIRS)('%s on %s ≥ %s:1', (fg, bg, min) => {
    expect(contrast(t[fg]!, t[bg]!)).toBeGreaterThanOrEqual(min);
  });
});

it('keeps the brand colours', () => {
  const light = tokens(':root');
  expect(light.primary).toBe('#2e3192');
  expect(light.bg).toBe('#f5f5f5');
  expect(light.accent).toBe('#008080');
});
