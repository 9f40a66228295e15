import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * DejaVu Sans from the npm package `dejavu-fonts-ttf`: it covers Latin with Vietnamese diacritics
 * (ế, ữ, ơ…), which the PDF standard fonts garble. Every PDF export embeds it.
 */
export function dejavuFontPath(bold = false): string {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json'));
  return path.join(pkg, 'ttf', bold ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf');
}
