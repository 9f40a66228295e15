import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

/**
 * The one PDF layout every export uses: a Unicode font (Vietnamese needs one), a header, summary cards,
 * tables whose columns are measured to fit (headers wrap, never clip), vector charts and a footer with
 * page numbers on every page. Exports say what to show; this file knows how it looks on paper.
 */

const fontDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);

export const PDF_COLORS = {
  ink: '#1f2933',
  muted: '#616e7c',
  line: '#d9e2ec',
  zebra: '#f5f7fa',
  accent: '#2E3192',
  teal: '#008080',
  present: '#2f9e44',
  late: '#e8890c',
  absent: '#c92a2a',
} as const;

export interface PdfCell {
  text: string;
  color?: string;
  bold?: boolean;
}
export type PdfCellInput = string | number | PdfCell;

export interface PdfColumn {
  label: string;
  align?: 'left' | 'right';
  /** Free text (names, cameras) takes the space left over and is shrunk first when there is too little. */
  flexible?: boolean;
}

export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

export interface ChartSpec {
  title: string;
  categories: string[];
  series: ChartSeries[];
  kind: 'bar' | 'stacked-bar' | 'horizontal-stacked-bar' | 'line';
}

const cellOf = (c: PdfCellInput): PdfCell => (typeof c === 'object' ? c : { text: String(c) });
const PAD = 5;
const BODY = 8.5;
const MIN_SIZE = 6.5;

export class PdfReport {
  readonly doc: PDFKit.PDFDocument;
  readonly left: number;
  readonly width: number;
  y: number;
  private readonly done: Promise<Buffer>;

  constructor(opts: { title: string; author: string; createdMs: number; landscape?: boolean }) {
    const created = new Date(opts.createdMs);
    this.doc = new PDFDocument({
      size: 'A4',
      layout: opts.landscape ? 'landscape' : 'portrait',
      margins: { top: 36, bottom: 44, left: 36, right: 36 },
      bufferPages: true,
      info: {
        Title: opts.title,
        Author: opts.author,
        Creator: 'Hadir',
        CreationDate: created,
        ModDate: created,
      },
    });
    this.doc.registerFont('body', path.join(fontDir, 'DejaVuSans.ttf'));
    this.doc.registerFont('bold', path.join(fontDir, 'DejaVuSans-Bold.ttf'));
    const chunks: Buffer[] = [];
    this.doc.on('data', (c: Buffer) => chunks.push(c));
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    this.left = this.doc.page.margins.left;
    this.width = this.doc.page.width - this.left - this.doc.page.margins.right;
    this.y = this.doc.page.margins.top;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page when fewer than `height` points are left on this one. */
  ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.doc.addPage();
    this.y = this.doc.page.margins.top;
    return true;
  }

  /** The largest size ≤ `size` at which `text` fits `maxWidth` on one line. */
  fit(text: string, font: 'body' | 'bold', size: number, maxWidth: number, min = MIN_SIZE): number {
    this.doc.font(font);
    let s = size;
    while (s > min && this.doc.fontSize(s).widthOfString(text) > maxWidth) s -= 0.5;
    return s;
  }

  header(organizationName: string, title: string, lines: string[]): void {
    const { doc, left, width } = this;
    doc.rect(0, 0, doc.page.width, 6).fill(PDF_COLORS.accent);
    doc.fillColor(PDF_COLORS.muted).font('body').fontSize(10);
    doc.text(organizationName, left, this.y, { width: width - 60 });
    doc
      .fillColor(PDF_COLORS.teal)
      .font('bold')
      .fontSize(10)
      .text('Hadir', left, this.y, { width, align: 'right' });
    doc
      .fillColor(PDF_COLORS.ink)
      .font('bold')
      .fontSize(18)
      .text(title, left, this.y + 16, { width });
    doc.fillColor(PDF_COLORS.muted).font('body').fontSize(10);
    for (const line of lines) doc.text(line, left, doc.y + 2, { width });
    this.y = doc.y + 10;
    doc
      .moveTo(left, this.y)
      .lineTo(left + width, this.y)
      .lineWidth(0.8)
      .strokeColor(PDF_COLORS.line)
      .stroke();
    this.y += 12;
  }

  heading(text: string, note?: string): void {
    this.ensure(60);
    const { doc, left, width } = this;
    doc.fillColor(PDF_COLORS.ink).font('bold').fontSize(12).text(text, left, this.y, { width });
    this.y = doc.y + 2;
    if (note) {
      doc.fillColor(PDF_COLORS.muted).font('body').fontSize(8.5).text(note, left, this.y, { width });
      this.y = doc.y + 2;
    }
    this.y += 4;
  }

  note(text: string): void {
    this.ensure(20);
    this.doc
      .fillColor(PDF_COLORS.muted)
      .font('body')
      .fontSize(8.5)
      .text(text, this.left, this.y, { width: this.width });
    this.y = this.doc.y + 8;
  }

  cards(cards: { label: string; value: string; color?: string }[]): void {
    const { doc, left, width } = this;
    const gap = 8;
    const cw = (width - gap * (cards.length - 1)) / cards.length;
    const h = 46;
    this.ensure(h + 12);
    cards.forEach((c, i) => {
      const x = left + i * (cw + gap);
      doc.roundedRect(x, this.y, cw, h, 4).lineWidth(0.8).fillAndStroke('#ffffff', PDF_COLORS.line);
      doc
        .fillColor(PDF_COLORS.muted)
        .font('body')
        .fontSize(this.fit(c.label, 'body', 8, cw - 16))
        .text(c.label, x + 8, this.y + 7, { width: cw - 16, lineBreak: false });
      const size = this.fit(c.value, 'bold', 15, cw - 16);
      doc
        .fillColor(c.color ?? PDF_COLORS.ink)
        .font('bold')
        .fontSize(size)
        .text(c.value, x + 8, this.y + 21 + (15 - size) / 2, { width: cw - 16, lineBreak: false });
    });
    this.y += h + 14;
  }

  /**
   * `measureRows` (default: the rows) set the widths, so tables of one kind line up across a document.
   * Column widths come from the text: each fixed column gets its widest cell (header words may wrap onto
   * a second line), flexible columns share what is left; when that is not enough, cells shrink and then
   * end in an ellipsis, but a header is never cut.
   */
  table(columns: PdfColumn[], rows: PdfCellInput[][], measureRows: PdfCellInput[][] = rows): void {
    const { doc, left, width } = this;
    const cells = rows.map((r) => r.map(cellOf));
    const measured = measureRows.map((r) => r.map(cellOf));
    doc.font('bold').fontSize(BODY);
    const headerWord = columns.map((c) => Math.max(...c.label.split(/\s+/).map((w) => doc.widthOfString(w))));
    const natural = columns.map((c, i) => {
      let w = doc.font('bold').fontSize(BODY).widthOfString(c.label);
      for (const r of measured) {
        const cell = r[i];
        if (cell)
          w = Math.max(
            w,
            doc
              .font(cell.bold ? 'bold' : 'body')
              .fontSize(BODY)
              .widthOfString(cell.text),
          );
      }
      return w + 2 * PAD;
    });
    const minimum = columns.map((c, i) =>
      c.flexible ? Math.max(60, headerWord[i]! + 2 * PAD) : Math.min(natural[i]!, headerWord[i]! + 2 * PAD),
    );
    let widths = [...natural];
    const total = widths.reduce((s, w) => s + w, 0);
    if (total <= width) {
      // Spare room goes to the flexible columns (or to all when none is flexible).
      const flex = columns.map((c) => c.flexible);
      const grow = flex.some(Boolean) ? flex : columns.map(() => true);
      const share = (width - total) / grow.filter(Boolean).length;
      widths = widths.map((w, i) => (grow[i] ? w + share : w));
    } else {
      // Shrink flexible columns first, then fixed ones toward their header's longest word.
      let over = total - width;
      for (const pass of [true, false]) {
        const idx = columns.map((c, i) => i).filter((i) => Boolean(columns[i]!.flexible) === pass);
        const room = idx.reduce((s, i) => s + (widths[i]! - minimum[i]!), 0);
        if (room <= 0) continue;
        const take = Math.min(over, room);
        for (const i of idx) widths[i] = widths[i]! - (take * (widths[i]! - minimum[i]!)) / room;
        over -= take;
        if (over <= 0) break;
      }
      if (over > 0) {
        const scale = width / widths.reduce((s, w) => s + w, 0);
        widths = widths.map((w) => w * scale);
      }
    }

    doc.font('bold').fontSize(BODY);
    const headerH =
      Math.max(...columns.map((c, i) => doc.heightOfString(c.label, { width: widths[i]! - 2 * PAD }))) +
      2 * PAD;
    const rowH = 17;
    const drawHeader = () => {
      doc.rect(left, this.y, width, headerH).fill(PDF_COLORS.accent);
      let x = left;
      columns.forEach((c, i) => {
        doc
          .fillColor('#ffffff')
          .font('bold')
          .fontSize(BODY)
          .text(c.label, x + PAD, this.y + PAD, { width: widths[i]! - 2 * PAD, align: c.align ?? 'left' });
        x += widths[i]!;
      });
      this.y += headerH;
    };
    this.ensure(headerH + rowH);
    drawHeader();
    cells.forEach((r, ri) => {
      if (this.ensure(rowH)) drawHeader();
      if (ri % 2 === 1) doc.rect(left, this.y, width, rowH).fill(PDF_COLORS.zebra);
      let x = left;
      columns.forEach((c, i) => {
        const cell = r[i] ?? { text: '' };
        const font = cell.bold ? 'bold' : 'body';
        const inner = widths[i]! - 2 * PAD;
        const size = this.fit(cell.text, font, BODY, inner);
        doc
          .fillColor(cell.color ?? PDF_COLORS.ink)
          .font(font)
          .fontSize(size)
          .text(cell.text, x + PAD, this.y + 5 + (BODY - size) / 2, {
            width: inner,
            align: c.align ?? 'left',
            lineBreak: false,
            ellipsis: true,
            height: rowH,
          });
        x += widths[i]!;
      });
      doc
        .moveTo(left, this.y + rowH)
        .lineTo(left + width, this.y + rowH)
        .lineWidth(0.5)
        .strokeColor(PDF_COLORS.line)
        .stroke();
      this.y += rowH;
    });
    this.y += 14;
  }

  /** Charts in a grid of `perRow` columns, drawn as vectors (they print sharply at any zoom). */
  charts(specs: ChartSpec[], perRow = 2, height = 180): void {
    const gap = 16;
    const w = (this.width - gap * (perRow - 1)) / perRow;
    for (let i = 0; i < specs.length; i += perRow) {
      this.ensure(height + 8);
      specs
        .slice(i, i + perRow)
        .forEach((spec, j) => this.chart(spec, this.left + j * (w + gap), this.y, w, height));
      this.y += height + 12;
    }
  }

  private chart(spec: ChartSpec, x: number, y: number, w: number, h: number): void {
    const { doc } = this;
    doc.roundedRect(x, y, w, h, 4).lineWidth(0.8).strokeColor(PDF_COLORS.line).stroke();
    doc
      .fillColor(PDF_COLORS.ink)
      .font('bold')
      .fontSize(9.5)
      .text(spec.title, x + 8, y + 7, { width: w - 16, lineBreak: false });
    // Legend under the title.
    let lx = x + 8;
    const ly = y + 22;
    doc.font('body').fontSize(7.5);
    if (spec.series.length > 1) {
      for (const s of spec.series) {
        doc.rect(lx, ly + 1, 7, 7).fill(s.color);
        doc.fillColor(PDF_COLORS.muted).text(s.label, lx + 10, ly, { lineBreak: false });
        lx += 10 + doc.widthOfString(s.label) + 10;
      }
    }
    const plot = { x: x + 34, y: y + 38, w: w - 46, h: h - 62 };
    const horizontal = spec.kind === 'horizontal-stacked-bar';
    if (horizontal) {
      const labelW = Math.min(w * 0.3, Math.max(...spec.categories.map((c) => doc.widthOfString(c)), 20) + 6);
      plot.x = x + 8 + labelW;
      plot.w = w - 16 - labelW;
      plot.h = h - 52;
    }
    const stacked = spec.kind !== 'bar' && spec.kind !== 'line';
    const n = spec.categories.length;
    const totals = spec.categories.map((_, i) =>
      stacked
        ? spec.series.reduce((s, se) => s + (se.values[i] ?? 0), 0)
        : Math.max(0, ...spec.series.map((se) => se.values[i] ?? 0)),
    );
    const integral = spec.series.every((se) => se.values.every((v) => Number.isInteger(v)));
    const { max, step } = niceScale(Math.max(0, ...totals), integral);
    const ticks = Math.round(max / step);
    doc.lineWidth(0.5).strokeColor(PDF_COLORS.line);
    for (let t = 0; t <= ticks; t++) {
      const label = formatTick(step * t);
      if (horizontal) {
        const gx = plot.x + (plot.w * t) / ticks;
        doc
          .moveTo(gx, plot.y)
          .lineTo(gx, plot.y + plot.h)
          .stroke();
        doc
          .fillColor(PDF_COLORS.muted)
          .fontSize(7)
          .text(label, gx - 15, plot.y + plot.h + 3, { width: 30, align: 'center' });
      } else {
        const gy = plot.y + plot.h - (plot.h * t) / ticks;
        doc
          .moveTo(plot.x, gy)
          .lineTo(plot.x + plot.w, gy)
          .stroke();
        doc
          .fillColor(PDF_COLORS.muted)
          .fontSize(7)
          .text(label, plot.x - 30, gy - 3.5, { width: 26, align: 'right' });
      }
    }
    if (n === 0) return;
    const band = (horizontal ? plot.h : plot.w) / n;
    const barW = Math.min(28, band * 0.7);
    const scale = (v: number) => (max > 0 ? (v / max) * (horizontal ? plot.w : plot.h) : 0);
    if (spec.kind === 'line') {
      const s = spec.series[0];
      if (!s) return;
      const pts = s.values.map((v, i) => [plot.x + band * (i + 0.5), plot.y + plot.h - scale(v)] as const);
      doc.lineWidth(1.5).strokeColor(s.color);
      pts.forEach(([px, py], i) => (i === 0 ? doc.moveTo(px, py) : doc.lineTo(px, py)));
      if (pts.length > 1) doc.stroke();
      for (const [px, py] of pts) doc.circle(px, py, 1.8).fill(s.color);
    } else {
      spec.categories.forEach((_, i) => {
        let acc = 0;
        spec.series.forEach((s, si) => {
          const v = s.values[i] ?? 0;
          if (v <= 0) return;
          const len = scale(v);
          if (horizontal) {
            doc.rect(plot.x + scale(acc), plot.y + band * i + (band - barW) / 2, len, barW).fill(s.color);
          } else if (stacked) {
            doc
              .rect(plot.x + band * i + (band - barW) / 2, plot.y + plot.h - scale(acc) - len, barW, len)
              .fill(s.color);
          } else {
            const bw = barW / spec.series.length;
            doc
              .rect(plot.x + band * i + (band - barW) / 2 + si * bw, plot.y + plot.h - len, bw, len)
              .fill(s.color);
          }
          if (stacked) acc += v;
        });
      });
    }
    // Category labels, thinned out so they never overlap.
    doc.font('body').fontSize(7).fillColor(PDF_COLORS.muted);
    if (horizontal) {
      spec.categories.forEach((c, i) => {
        const cy = plot.y + band * i + band / 2 - 3.5;
        doc.text(c, x + 8, cy, {
          width: plot.x - x - 12,
          align: 'right',
          lineBreak: false,
          ellipsis: true,
          height: 9,
        });
      });
    } else {
      // Few long labels wrap onto two lines; many dates are thinned out instead.
      const longestWord = Math.max(
        ...spec.categories.flatMap((c) => c.split(/\s+/).map((word) => doc.widthOfString(word))),
      );
      if (longestWord + 4 <= band) {
        spec.categories.forEach((c, i) => {
          doc.text(c, plot.x + band * i + 2, plot.y + plot.h + 4, {
            width: band - 4,
            align: 'center',
            height: 18,
          });
        });
      } else {
        const widest = Math.max(...spec.categories.map((c) => doc.widthOfString(c))) + 6;
        const every = Math.max(1, Math.ceil(widest / band));
        spec.categories.forEach((c, i) => {
          if (i % every !== 0) return;
          const cx = plot.x + band * (i + 0.5);
          doc.text(c, cx - widest / 2, plot.y + plot.h + 4, {
            width: widest,
            align: 'center',
            lineBreak: false,
          });
        });
      }
    }
  }

  /** Footer on every page: a left note (when and in which zone) and "page n of m". */
  finish(footer: string, page: (n: number, of: number) => string): Promise<Buffer> {
    const { doc, left, width } = this;
    const range = doc.bufferedPageRange();
    for (let p = range.start; p < range.start + range.count; p++) {
      doc.switchToPage(p);
      const fy = doc.page.height - 28;
      // Writing inside the bottom margin would otherwise start a new page.
      doc.page.margins.bottom = 0;
      doc.fillColor(PDF_COLORS.muted).font('body').fontSize(8);
      doc.text(footer, left, fy, { width: (width * 2) / 3, lineBreak: false });
      doc.text(page(p - range.start + 1, range.count), left + (width * 2) / 3, fy, {
        width: width / 3,
        align: 'right',
        lineBreak: false,
      });
    }
    doc.end();
    return this.done;
  }
}

/** Axis maximum and tick step: 1-2-5 steps, whole steps for counts, about four ticks. */
function niceScale(v: number, integral: boolean): { max: number; step: number } {
  if (v <= 0) return { max: integral ? 4 : 1, step: integral ? 1 : 0.25 };
  const raw = v / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  if (integral) step = Math.max(1, Math.round(step));
  return { max: step * Math.ceil(v / step), step };
}

function formatTick(v: number): string {
  return String(Math.round(v * 100) / 100);
}
