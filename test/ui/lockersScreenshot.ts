/**
 * Takes docs/screenshots/virtual-point-lockers-fridges.png: a simulated point (on a manual
 * clock) whose dairy fridge door was left open three hours ago (too warm, alarms, blocked), the
 * drinks fridge without power, the shop door forced, and a wrong pickup code typed on the page's
 * keypad.
 *   npx tsx test/ui/lockersScreenshot.ts [out.png]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { startSimulatedPoint } from '../e2e/pointFixture.ts';
import { launchChromium } from './chromium.ts';

const out = process.argv[2] ?? 'docs/screenshots/virtual-point-lockers-fridges.png';
const clock = new ManualClock(Date.UTC(2026, 10, 18, 9, 0, 0));
const f = await startSimulatedPoint({ clock, http: { host: '127.0.0.1', port: 0 } });
const base = f.point.url!;
const post = (path: string, body: unknown) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
try {
  await post('/api/sim/fridge', { fridge: 'molkerei', action: 'open-door' });
  for (let i = 0; i < 3 * 60; i++) {
    clock.advance(60_000);
    await f.point.fridges.settled();
    await sleep(1);
  }
  // big clock steps time out the boards' requests (replies come in real time): let them recover
  for (let i = 0; i < 100; i++) {
    clock.advance(100);
    await sleep(10);
  }
  await post('/api/sim/fridge', { fridge: 'getraenke', action: 'cut-power' });
  f.sim.force();
  clock.advance(1000);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(base);
    await page.locator('[data-testid=compartments] li').nth(11).waitFor();
    for (const digit of '12345678901') await page.locator('#keypad').getByRole('button', { name: digit, exact: true }).click();
    await page.click('[data-testid=pickup-submit]');
    await page.waitForFunction(() => document.querySelector('[data-testid=pickup-message]')?.textContent !== '');
    clock.advance(100); // flush the live channel's coalescing window
    await sleep(2500); // one refresh of the panels
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
} finally {
  await f.close();
}
