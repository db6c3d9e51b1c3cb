import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian's Chromium, or null (tests then skip — or fail when DORFPUNKT_REQUIRE_SERVICES=1). */
export function chromiumPath(): string | null {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export function chromiumSkipReason(): string | null {
  if (chromiumPath()) return null;
  const msg = 'Chromium not installed (apt-get install -y chromium): browser tests skipped';
  if (process.env['DORFPUNKT_REQUIRE_SERVICES'] === '1') throw new Error(`${msg} — but DORFPUNKT_REQUIRE_SERVICES=1`);
  return msg;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
