/**
 * Demo pickup codes for `npm start`: in the field the backoffice issues a pool of codes to each
 * point (`pickup-codes` change: only salted hashes) and sends the plain code to the recipient
 * once the point reports which code it assigned at drop-off. The simulation plays the backoffice
 * here: it issues a small pool into the ledger through the same change mapper and writes the
 * plain codes to `<dataDir>/demo-pickup-codes.txt` — "the letters the backoffice would print" —
 * so a visitor can drop a parcel as the courier and fetch it with the code. The point's own code
 * never reads that file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import { issuePickupCode } from '../contract/changes/pickupCode.ts';
import type { Ledger } from '../ledger/index.ts';

export const DEMO_PICKUP_CODES_FILE = 'demo-pickup-codes.txt';

export async function seedDemoPickupCodes(ledger: Ledger, dataDir: string, clock: Clock, count = 6): Promise<void> {
  if (ledger.recentOfTypes(['pickup-code.issued'], 1).length > 0) return;
  const from = Math.floor(clock.now());
  const lines: string[] = [
    '# Demo pickup codes (the backoffice sends each to the recipient of the parcel it is assigned to)',
    '# slot  code            QR text',
  ];
  for (let i = 1; i <= count; i++) {
    const issued = await issuePickupCode({ codeId: `demo-code-${i}`, slot: 100 + i, validFrom: from - 60_000, validUntil: from + 30 * 86_400_000 });
    ledger.append('pickup-code.issued', { ...issued.wire });
    lines.push(`${100 + i}   ${issued.plain.code}   ${issued.plain.qr}`);
  }
  writeFileSync(join(dataDir, DEMO_PICKUP_CODES_FILE), lines.join('\n') + '\n', { mode: 0o600 });
}
