import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Lint-ish guard for "no hard-coded UI strings": JSX text and user-visible string attributes must come
 * from t(). Allowed: whitespace, punctuation and symbols (–, ·, …), and attributes that are not text.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The shared design system (packages/ui) is held to the same rule: its strings come from the app's t(). */
const UI_SRC = path.resolve(SRC, '../../../packages/ui/src');
/** And so is the mobile attendance app. */
const MOBILE_SRC = path.resolve(SRC, '../../mobile/src');
const TEXT_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label', 'aria-description']);
const hasWords = (s: string) => /\p{L}{2,}/u.test(s);

function tsxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsxFiles(p);
    return e.name.endsWith('.tsx') && !e.name.includes('.test.') ? [p] : [];
  });
}

function bareText(file: string, text: string = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (node: ts.Node) =>
    `${path.relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) found.push(`${where(node)} text "${node.text.trim()}"`);
    if (
      ts.isJsxAttribute(node) &&
      TEXT_ATTRIBUTES.has(node.name.getText(source)) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer) &&
      hasWords(node.initializer.text)
    ) {
      found.push(`${where(node)} ${node.name.getText(source)}="${node.initializer.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('JSX has no hard-coded UI text', () => {
  it('catches bare text and text attributes (self-check)', () => {
    const sample = `const A = () => <p title="Hello there" className="x">Save now {n} – <b>{t('k')}</b></p>;`;
    expect(bareText(path.join(SRC, 'sample.tsx'), sample)).toHaveLength(2);
    expect(
      bareText(path.join(SRC, 'ok.tsx'), `const B = () => <p className="text-sm">{t('a')} – {x}</p>;`),
    ).toEqual([]);
  });

  it('uses t() for every visible string', () => {
    const files = [...tsxFiles(SRC), ...tsxFiles(UI_SRC), ...tsxFiles(MOBILE_SRC)];
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => bareText(f))).toEqual([]);
  });
});
