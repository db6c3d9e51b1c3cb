/**
 * A QR code drawn as SVG in the page (the `qrcode` package's encoder; no canvas, no data URL, no
 * inline style, so the page's CSP holds). Black modules on white with the four-module quiet zone.
 */
import QRCode from 'qrcode';

export function QrCode(props: { text: string; label: string; testId?: string; size?: number }) {
  const qr = QRCode.create(props.text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
  const total = n + 2 * quiet;
  const px = props.size ?? 220;
  return (
    <svg
      class="qr"
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      width={px}
      height={px}
      viewBox={`0 0 ${total} ${total}`}
      shape-rendering="crispEdges"
    >
      <rect width={total} height={total} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
