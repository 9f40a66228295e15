import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every instant a page shows is in the organization's zone (useOrgTime, or formatDate/formatDateTime
 * given a zone). A call without a zone formats in the browser's zone, which is wrong for an admin who
 * is not where the cameras are; this walks every page and component and finds such calls.
 */
const SRC = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) &&
      !/\.test\.tsx?$/.test(e.name) &&
      !p.includes(`${path.sep}i18n${path.sep}`)
      ? [p]
      : [];
  });
}

/** The top-level arguments of each call to `name(` in `text`. */
function callArgs(text: string, name: string): string[][] {
  const calls: string[][] = [];
  const re = new RegExp(`\\b${name}\\(`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 0;
    let current = '';
    const args: string[] = [];
    for (let i = m.index + m[0].length; i < text.length; i++) {
      const ch = text[i] ?? '';
      if ('([{'.includes(ch)) depth++;
      if (')]}'.includes(ch)) {
        if (depth === 0) break;
        depth--;
      }
      if (ch === ',' && depth === 0) {
        args.push(current.trim());
        current = '';
      } else current += ch;
    }
    if (current.trim()) args.push(current.trim());
    calls.push(args);
  }
  return calls;
}

describe('times on pages are in the organization zone', () => {
  const files = sourceFiles(SRC);

  it('finds the pages', () => {
    expect(files.some((f) => f.endsWith('audit-page.tsx'))).toBe(true);
  });

  it('never formats an instant without a zone, nor with toLocale*String', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(SRC, file);
      for (const name of ['formatDateTime', 'formatDate']) {
        for (const args of callArgs(text, name)) {
          if (args.length < 3 || args[2] === 'undefined')
            offenders.push(`${rel}: ${name}(${args.join(', ')})`);
        }
      }
      if (/\.toLocale(Date|Time)?String\(/.test(text)) offenders.push(`${rel}: toLocale*String`);
    }
    expect(offenders).toEqual([]);
  });
});
