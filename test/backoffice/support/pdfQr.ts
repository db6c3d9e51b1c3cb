/**
 * Reads the QR codes back out of a member-card PDF the way a scanner would see the printout:
 * takes the page content streams (inflating FlateDecode ones), collects the filled `re`
 * rectangles, groups them into codes (rectangles within a few modules of each other), rasterises
 * each group into an RGBA image (white page, black squares, 4-module quiet zone) and decodes it
 * with jsQR. Knows nothing of the card layout.
 */
import { inflateSync } from 'node:zlib';
import jsQRModule from 'jsqr';

// jsqr is CommonJS: the default import is module.exports, which also carries `default`.
type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: JsQR = (jsQRModule as unknown as { default?: JsQR }).default ?? (jsQRModule as unknown as JsQR);

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The decoded text of every stream in the PDF (content streams, and anything else). */
export function pdfStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /<<(.*?)>>\s*stream\r?\n/gs;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    const raw = pdf.subarray(start, end);
    out.push(/\/FlateDecode/.test(m[1] ?? '') ? inflateSync(raw).toString('latin1') : raw.toString('latin1'));
    re.lastIndex = end;
  }
  return out;
}

export function rectangles(content: string): Rect[] {
  const out: Rect[] = [];
  const num = '(-?[0-9]*\\.?[0-9]+)';
  const re = new RegExp(`${num}\\s+${num}\\s+${num}\\s+${num}\\s+re\\b`, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(content)) !== null) out.push({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) });
  return out;
}

/** Rectangles grouped into codes: a rectangle joins (and merges) every group whose box, grown by 3 modules, holds it. */
export function groups(rects: Rect[]): Rect[][] {
  let out: { box: Rect; rects: Rect[] }[] = [];
  for (const r of rects) {
    const grow = 3 * r.h;
    const near = (o: { box: Rect }): boolean =>
      r.x + r.w >= o.box.x - grow && r.x <= o.box.x + o.box.w + grow && r.y + r.h >= o.box.y - grow && r.y <= o.box.y + o.box.h + grow;
    const joined = { box: { ...r }, rects: [r] };
    for (const g of out.filter(near)) {
      const x2 = Math.max(joined.box.x + joined.box.w, g.box.x + g.box.w);
      const y2 = Math.max(joined.box.y + joined.box.h, g.box.y + g.box.h);
      joined.box.x = Math.min(joined.box.x, g.box.x);
      joined.box.y = Math.min(joined.box.y, g.box.y);
      joined.box.w = x2 - joined.box.x;
      joined.box.h = y2 - joined.box.y;
      joined.rects.unshift(...g.rects);
    }
    out = [...out.filter((g) => !near(g)), joined];
  }
  return out.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x).map((o) => o.rects);
}

/** Draws one group as black squares on white, 4 pixels per module, and decodes it (null if unreadable). */
export function decodeGroup(rects: Rect[], pxPerModule = 4): string | null {
  const module = Math.min(...rects.map((r) => r.h));
  const ox = Math.min(...rects.map((r) => r.x)) - 4 * module;
  const oy = Math.min(...rects.map((r) => r.y)) - 4 * module;
  const px = (v: number): number => Math.round((v / module) * pxPerModule);
  const width = px(Math.max(...rects.map((r) => r.x + r.w)) + 4 * module - ox);
  const height = px(Math.max(...rects.map((r) => r.y + r.h)) + 4 * module - oy);
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const r of rects) {
    for (let y = px(r.y - oy); y < px(r.y + r.h - oy); y++) {
      for (let x = px(r.x - ox); x < px(r.x + r.w - ox); x++) {
        const i = (y * width + x) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }
  return jsQR(data, width, height)?.data ?? null;
}

/** Every QR code drawn in the PDF, in drawing order. */
export function qrCodesInPdf(pdf: Buffer): (string | null)[] {
  return pdfStreams(pdf).flatMap((s) => groups(rectangles(s)).map((g) => decodeGroup(g)));
}

/** The text drawn in the PDF: each `TJ`/`Tj` (pdfkit writes WinAnsi hex strings) decoded, lines joined by one space. */
export function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const s of pdfStreams(pdf)) {
    for (const m of s.matchAll(/\[([^\]]*)\]\s*TJ|(<[0-9a-fA-F]*>)\s*Tj/g)) {
      const hex = [...(m[1] ?? m[2] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1] ?? '', 'hex').toString('latin1')).join('');
      lines.push(hex);
    }
  }
  return lines.join(' ').replace(/\s+/g, ' ');
}
