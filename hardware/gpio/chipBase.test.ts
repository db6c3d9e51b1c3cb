import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findGpioChip, globalGpioNumber } from './chipBase.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('GPIO chip base lookup', () => {
  it('finds the Pi 4 header chip at base 512 and ignores the firmware expander chip', async () => {
    const chip = await findGpioChip({ sysRoot: fixture('sys-pi4') });
    expect(chip).toEqual({ name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 });
    expect(globalGpioNumber(chip, 17)).toBe(529);
  });

  it('finds the Pi 5 RP1 chip at base 571 among the brcmstb chips', async () => {
    const chip = await findGpioChip({ sysRoot: fixture('sys-pi5') });
    expect(chip.label).toBe('pinctrl-rp1');
    expect(chip.base).toBe(571);
    expect(globalGpioNumber(chip, 17)).toBe(588);
  });

  it('finds the legacy bcm2835 chip at base 0 (Pi 0-3, older kernels)', async () => {
    const chip = await findGpioChip({ sysRoot: fixture('sys-legacy') });
    expect(chip.label).toBe('pinctrl-bcm2835');
    expect(globalGpioNumber(chip, 4)).toBe(4);
  });

  it('fails loudly on an unknown chip and lists the labels it found', async () => {
    await expect(findGpioChip({ sysRoot: fixture('sys-unknown') })).rejects.toThrow(
      /No Raspberry Pi header GPIO chip.*pinctrl-rp1, pinctrl-bcm2711, pinctrl-bcm2835.*gpiochip0 'INT34C5:00' \(base 0, ngpio 360\)/,
    );
  });

  it('fails loudly when sysfs GPIO is absent', async () => {
    await expect(findGpioChip({ sysRoot: fixture('sys-none') })).rejects.toThrow(/No sysfs GPIO at .*ENOENT.*'fake'/);
  });

  it('rejects a BCM line the chip does not have instead of clamping it', async () => {
    const chip = await findGpioChip({ sysRoot: fixture('sys-pi4') });
    expect(() => globalGpioNumber(chip, 58)).toThrow(/BCM 58 is not a line of gpiochip512 'pinctrl-bcm2711' \(valid 0\.\.57\)/);
    expect(() => globalGpioNumber(chip, -1)).toThrow(/BCM -1/);
    expect(() => globalGpioNumber(chip, 1.5)).toThrow(/BCM 1.5/);
  });
});
