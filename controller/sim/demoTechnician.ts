/**
 * The simulated point's technician PIN (technician mode at the kiosk): the demo PIN below, hashed
 * once with scrypt into the data dir (`technician-pin.hash`) and read from there afterwards, as a
 * real point reads `technicianPinHash` from its config. A real point never has a default PIN.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPin } from '../access/pin.ts';

export const DEMO_TECHNICIAN_PIN = '246810';

export async function demoTechnicianPinHash(dataDir: string): Promise<string> {
  const file = join(dataDir, 'technician-pin.hash');
  const stored = await readFile(file, 'utf8').catch(() => undefined);
  if (stored?.startsWith('scrypt$')) return stored.trim();
  const hash = await hashPin(DEMO_TECHNICIAN_PIN);
  await writeFile(file, `${hash}\n`, { mode: 0o600 });
  return hash;
}
