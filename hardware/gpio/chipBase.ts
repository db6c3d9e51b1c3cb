import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Sysfs GPIO numbers are global: chip base + line offset. Since kernel 6.6 the base of the
 * Pi's header chip is no longer 0 (512 on a Pi 4, 571 on a Pi 5, 522 seen on one Pi 4), so
 * `new Gpio(17)` hits EINVAL. We find the header chip by its label and add the BCM number.
 */

/** Header GPIO chip labels we know, in lookup order. */
export const KNOWN_GPIO_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;
export type KnownGpioChipLabel = (typeof KNOWN_GPIO_CHIP_LABELS)[number];

export interface GpioChipInfo {
  /** Directory name, e.g. `gpiochip512`. */
  readonly name: string;
  readonly label: KnownGpioChipLabel;
  readonly base: number;
  readonly ngpio: number;
}

export interface ChipLookupOptions {
  /** Root of sysfs; tests point this at a fixture directory. Default `/sys`. */
  sysRoot?: string;
}

interface FoundChip {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

async function readChip(dir: string, name: string): Promise<FoundChip | string> {
  try {
    const [label, base, ngpio] = await Promise.all(['label', 'base', 'ngpio'].map((f) => readFile(join(dir, name, f), 'utf8').then((s) => s.trim())));
    const baseN = Number(base);
    const ngpioN = Number(ngpio);
    if (!Number.isInteger(baseN) || baseN < 0 || !Number.isInteger(ngpioN) || ngpioN <= 0) {
      return `${name} ('${label ?? ''}': unreadable base '${base ?? ''}' / ngpio '${ngpio ?? ''}')`;
    }
    return { name, label: label ?? '', base: baseN, ngpio: ngpioN };
  } catch (err) {
    return `${name} (unreadable: ${(err as Error).message})`;
  }
}

/**
 * Find the Raspberry Pi header GPIO chip under `<sysRoot>/class/gpio/gpiochip*`.
 * Throws a clear error naming every chip label found when none is a known header chip.
 */
export async function findGpioChip(options: ChipLookupOptions = {}): Promise<GpioChipInfo> {
  const dir = join(options.sysRoot ?? '/sys', 'class', 'gpio');
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter((e) => e.startsWith('gpiochip')).sort();
  } catch (err) {
    throw new Error(
      `No sysfs GPIO at ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ` +
        `this is not a Raspberry Pi or the kernel lacks CONFIG_GPIO_SYSFS; use gpio backend 'fake' here`,
    );
  }
  const found: FoundChip[] = [];
  const unreadable: string[] = [];
  for (const name of entries) {
    const chip = await readChip(dir, name);
    if (typeof chip === 'string') unreadable.push(chip);
    else found.push(chip);
  }
  for (const wanted of KNOWN_GPIO_CHIP_LABELS) {
    const chip = found.find((c) => c.label === wanted);
    if (chip) return { name: chip.name, label: wanted, base: chip.base, ngpio: chip.ngpio };
  }
  const seen = [...found.map((c) => `${c.name} '${c.label}' (base ${c.base}, ngpio ${c.ngpio})`), ...unreadable];
  throw new Error(
    `No Raspberry Pi header GPIO chip under ${dir}: expected a label of ${KNOWN_GPIO_CHIP_LABELS.join(', ')}; ` +
      `found ${seen.length === 0 ? 'no gpiochip entries' : seen.join('; ')}`,
  );
}

/** Global sysfs GPIO number for a BCM line on `chip`; rejects (never clamps) a line the chip lacks. */
export function globalGpioNumber(chip: GpioChipInfo, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm >= chip.ngpio) {
    throw new Error(`BCM ${bcm} is not a line of ${chip.name} '${chip.label}' (valid 0..${chip.ngpio - 1})`);
  }
  return chip.base + bcm;
}
