/**
 * The simulated point's card reader, scanner and receipt printer as SimControls (the virtual point
 * page's panels). The card reader drives the local Stripe fake's Terminal test helpers with the
 * point's own key and reader (present an approved card 4242…, a declined one 4000…0002, or walk away:
 * the reader's action ends unanswered); the scanner sends a product's GTIN as the real scanner's
 * bytes over its TCP link; the printer's paper is the simulator's decoding of the ESC/POS bytes.
 */
import type { SimulatedBoards } from '../../hardware/sim/boards/simulatedBoards.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import { demoProducts } from '../catalog/demoCatalog.ts';
import type { SimControls } from '../http/pointApi.ts';
import type { PaymentsOptions } from '../wiring/pointCheckout.ts';

export const APPROVED_CARD = '4242424242424242';
export const DECLINED_CARD = '4000000000000002';

type ServiceControls = Pick<SimControls, 'reader' | 'scan' | 'products' | 'printer' | 'paper'>;

export function simServiceControls(boards: SimulatedBoards, profile: HardwareProfile, payments: PaymentsOptions | undefined): ServiceControls {
  const devices = profile.boards?.devices ?? [];
  const printerId = devices.find((d) => d.protocol === 'escpos')?.id;
  const scannerId = devices.find((d) => d.protocol === 'scanner')?.id;
  const printer = () => (printerId ? boards.printer(printerId) : undefined);
  let paper: 'ok' | 'near-end' | 'out' = 'ok';

  return {
    reader: async (action) => {
      if (!payments?.api) return 'none';
      const { host, port, protocol } = payments.api;
      const base = `${protocol}://${host}:${port}/v1`;
      const reader = encodeURIComponent(payments.readerId);
      const url =
        action === 'walk-away' ? `${base}/terminal/readers/${reader}/cancel_action` : `${base}/test_helpers/terminal/readers/${reader}/present_payment_method`;
      const body =
        action === 'walk-away' ? '' : new URLSearchParams({ 'card_present[number]': action === 'present' ? APPROVED_CARD : DECLINED_CARD }).toString();
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${payments.secretKey}:`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }).catch(() => undefined);
      if (!res) return 'none';
      await res.text();
      return res.ok ? 'done' : 'idle';
    },
    scan: async (code) => {
      const scanner = scannerId ? boards.scanner(scannerId) : undefined;
      if (!scanner) return false;
      await scanner.scan(code, ']E0');
      return true;
    },
    products: () => demoProducts().flatMap((p) => (p.gtin ? [{ gtin: p.gtin, name: p.name, priceCents: p.priceCents }] : [])),
    printer: () => {
      const p = printer();
      if (!p) return { present: false, paper: 'ok', receipts: [] };
      return {
        present: true,
        paper: p.online || paper !== 'out' ? paper : 'out',
        receipts: p.receipts().map((r) => ({ at: Math.floor(r.at), text: r.text, qrCodes: r.qrCodes })),
      };
    },
    paper: (state) => {
      const p = printer();
      if (!p) return false;
      paper = state;
      p.setPaper(state);
      return true;
    },
  };
}
