/**
 * Kiosk figures for `npm run bench` (issue 10), each against an anchor measured in the same run:
 *
 * - JS size: the built kiosk's JavaScript, gzip level 9, against the 170 KB budget.
 * - Tap-to-feedback p95 in Chromium: from a tap's pointerdown to the animation frame after the
 *   screen changed (MutationObserver → requestAnimationFrame), on the kiosk's contrast toggle
 *   (a re-render of the whole app) and on a bare page whose button toggles the same attributes;
 *   A/B interleaved in pairs, p95 over all taps of each side.
 * - Kiosk API p99 under the ledger's write load: `GET /api/state` (the kiosk's snapshot) of a
 *   running simulated point while a writer appends sale events to its ledger every millisecond,
 *   against a bare fastify route in the same process, A/B interleaved; ratio = bare p99 / ours p99.
 */
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { buildSimulatedPoint } from '../../controller/sim/simulatedPointBuilder.ts';
import { buildKiosk, JS_GZIP_BUDGET } from '../../kiosk-ui/build.ts';
import { chromiumPath, launchChromium } from '../ui/chromium.ts';

export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Installed before every page: tap latencies (pointerdown → frame after the DOM changed) in `window.__taps`. */
function tapProbe(): void {
  const w = window as unknown as { __taps: number[] };
  w.__taps = [];
  let t0: number | null = null;
  addEventListener('pointerdown', () => void (t0 = performance.now()), true);
  new MutationObserver(() => {
    if (t0 === null) return;
    const start = t0;
    t0 = null;
    requestAnimationFrame(() => w.__taps.push(performance.now() - start));
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

const BARE_PAGE = `<!doctype html><html lang="en"><head><title>bare</title></head><body><button id="b" aria-pressed="false" style="font-size:20px;min-height:60px">toggle</button><script>
document.getElementById('b').addEventListener('click', (e) => { const on = e.target.getAttribute('aria-pressed') !== 'true'; e.target.setAttribute('aria-pressed', String(on)); document.documentElement.classList.toggle('contrast', on); });
</script></body></html>`;

export interface KioskBenchResult {
  jsGzipBytes: number;
  budgetBytes: number;
  tap: { p95Ms: number; bareP95Ms: number; taps: number } | null;
  api: { p99Ms: number; bareP99Ms: number; ratio: number; requests: number; ledgerEvents: number };
}

async function timedGets(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function benchKiosk(opts: { pairs?: number; tapsPerPair?: number; requestsPerPair?: number } = {}): Promise<KioskBenchResult> {
  const pairs = opts.pairs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-kiosk-bench-'));
  const dist = join(dir, 'dist');
  const build = await buildKiosk(dist);
  const clock = createSystemClock();
  const built = await buildSimulatedPoint({
    siteId: 'bench-kiosk',
    dataDir: join(dir, 'data'),
    clock,
    logger: createSilentLogger(),
    http: { host: '127.0.0.1', port: 0 },
    kioskDir: dist,
  });
  const bare = Fastify({ logger: false });
  bare.get('/hello', async () => ({ ok: true }));
  bare.get('/bare', async (_req, reply) => reply.type('text/html').send(BARE_PAGE));
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  const url = built.point.url!;
  let tap: KioskBenchResult['tap'] = null;
  try {
    // ---- tap to feedback in Chromium ----------------------------------------------------------
    if (chromiumPath()) {
      const browser = await launchChromium();
      try {
        const kiosk = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const plain = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        for (const p of [kiosk, plain]) await p.addInitScript(tapProbe);
        await kiosk.goto(`${url}/kiosk/`);
        await kiosk.waitForSelector('[data-testid=contrast]');
        await plain.goto(`${bareUrl}/bare`);
        const taps = opts.tapsPerPair ?? 20;
        for (let pair = 0; pair < pairs; pair++) {
          for (let i = 0; i < taps; i++) await kiosk.click('[data-testid=contrast]');
          for (let i = 0; i < taps; i++) await plain.click('#b');
        }
        const read = (p: typeof kiosk) => p.evaluate(() => (window as unknown as { __taps: number[] }).__taps);
        const a = await read(kiosk);
        const b = await read(plain);
        tap = { p95Ms: percentile(a, 95), bareP95Ms: percentile(b, 95), taps: a.length };
      } finally {
        await browser.close();
      }
    }

    // ---- kiosk API under the ledger's write load -------------------------------------------------
    const ledger = built.point.ledger;
    let written = 0;
    const writer = setInterval(() => {
      for (let k = 0; k < 5; k++) ledger.appendUnchecked('sale.recorded', { saleId: `bench-${written++}`, cents: 199, vatRate: 7 });
    }, 1);
    const n = opts.requestsPerPair ?? 200;
    const ours: number[] = [];
    const theirs: number[] = [];
    try {
      await timedGets(`${url}/api/state`, 20); // warm up both
      await timedGets(`${bareUrl}/hello`, 20);
      for (let pair = 0; pair < pairs; pair++) {
        ours.push(...(await timedGets(`${url}/api/state`, n)));
        theirs.push(...(await timedGets(`${bareUrl}/hello`, n)));
      }
    } finally {
      clearInterval(writer);
    }
    const p99Ms = percentile(ours, 99);
    const bareP99Ms = percentile(theirs, 99);
    return {
      jsGzipBytes: build.jsGzipBytes,
      budgetBytes: JS_GZIP_BUDGET,
      tap,
      api: { p99Ms, bareP99Ms, ratio: bareP99Ms / p99Ms, requests: ours.length, ledgerEvents: written },
    };
  } finally {
    await bare.close();
    await built.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
