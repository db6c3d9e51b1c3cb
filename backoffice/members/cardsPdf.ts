/**
 * Printable member cards for people without a smartphone: an A4 sheet of 10 credit-card-sized
 * cards (85.6 × 54 mm, 2 × 5, cut marks in the margins), each with the QR code of the member's
 * signed token drawn as vector squares (sharp at any printer resolution), the name, the expiry
 * and a short help text. More than 10 members: one sheet per 10.
 *
 * The QR code uses error correction M (the point's scanner reads version 8, ~131 characters) and
 * a quiet zone of 4 modules; dark modules of a row are merged into one rectangle per run.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

const MM = 72 / 25.4;
export const CARD_W = 85.6 * MM;
export const CARD_H = 54 * MM;
const A4_W = 595.28;
const A4_H = 841.89;
const COLS = 2;
const ROWS = 5;
export const CARDS_PER_SHEET = COLS * ROWS;
const LEFT = (A4_W - COLS * CARD_W) / 2;
const TOP = (A4_H - ROWS * CARD_H) / 2;
const PAD = 3 * MM;
/** Side of the QR code including its quiet zone. */
const QR_SIDE = CARD_H - 2 * PAD;
const QUIET = 4;

export interface CardTexts {
  title: string;
  help: string;
  validUntil: (date: string) => string;
}

export const CARD_TEXTS_DE: CardTexts = {
  title: 'dorfpunkt · Mitgliedskarte',
  help: 'Halten Sie diesen Code an den Scanner an der Tür.',
  validUntil: (d) => `Gültig bis ${d}`,
};

export interface Card {
  name: string;
  /** The `DP1.` token text the QR code holds. */
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface CardsPdfOptions {
  /** Written into the PDF's creation date (injected clock, so the output is reproducible). */
  now: number;
  texts?: CardTexts;
  /** Tests pass false to read the content stream. */
  compress?: boolean;
}

export function renderCardsPdf(cards: Card[], opts: CardsPdfOptions): Promise<Buffer> {
  const texts = opts.texts ?? CARD_TEXTS_DE;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    compress: opts.compress ?? true,
    info: { Title: texts.title, CreationDate: new Date(opts.now) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (let i = 0; i < Math.max(cards.length, 1); i += CARDS_PER_SHEET) {
    doc.addPage();
    drawCutMarks(doc);
    cards.slice(i, i + CARDS_PER_SHEET).forEach((card, k) => {
      drawCard(doc, card, LEFT + (k % COLS) * CARD_W, TOP + Math.floor(k / COLS) * CARD_H, texts);
    });
  }
  doc.end();
  return done;
}

function drawCutMarks(doc: PDFKit.PDFDocument): void {
  const len = 5 * MM;
  const gap = 1.5 * MM;
  doc.save().lineWidth(0.3).strokeColor('#000000');
  for (let c = 0; c <= COLS; c++) {
    const x = LEFT + c * CARD_W;
    doc
      .moveTo(x, TOP - gap - len)
      .lineTo(x, TOP - gap)
      .stroke();
    doc
      .moveTo(x, TOP + ROWS * CARD_H + gap)
      .lineTo(x, TOP + ROWS * CARD_H + gap + len)
      .stroke();
  }
  for (let r = 0; r <= ROWS; r++) {
    const y = TOP + r * CARD_H;
    doc
      .moveTo(LEFT - gap - len, y)
      .lineTo(LEFT - gap, y)
      .stroke();
    doc
      .moveTo(LEFT + COLS * CARD_W + gap, y)
      .lineTo(LEFT + COLS * CARD_W + gap + len, y)
      .stroke();
  }
  doc.restore();
}

function drawCard(doc: PDFKit.PDFDocument, card: Card, x: number, y: number, texts: CardTexts): void {
  drawQr(doc, card.token, x + PAD, y + PAD, QR_SIDE);
  const tx = x + PAD + QR_SIDE + 2 * MM;
  const tw = x + CARD_W - PAD - tx;
  doc
    .fillColor('#555555')
    .font('Helvetica')
    .fontSize(6.5)
    .text(texts.title, tx, y + PAD + 2, { width: tw });
  doc
    .fillColor('#000000')
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(card.name, tx, y + PAD + 14, { width: tw, height: 42, ellipsis: true });
  doc
    .font('Helvetica')
    .fontSize(8)
    .text(texts.help, tx, y + CARD_H / 2 + 4, { width: tw });
  doc
    .fillColor('#555555')
    .fontSize(6.5)
    .text(texts.validUntil(germanDate(card.expiresAt)), tx, y + CARD_H - PAD - 10, { width: tw });
}

/** Dark modules as filled rectangles (one per horizontal run), origin at the quiet zone's corner. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, side: number): void {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const m = side / (size + 2 * QUIET);
  doc.save().fillColor('#000000');
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      doc.rect(x + (QUIET + start) * m, y + (QUIET + row) * m, (col - start) * m, m);
    }
  }
  doc.fill();
  doc.restore();
}

function germanDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}
