/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core,
 * a fresh profile per launch, a CDP virtual authenticator for passkeys, screenshots under
 * `.tmp/screenshots/` for a person to look at. Without Chromium the tests are skipped with a
 * visible message, except under CI=true, where a missing browser fails them (.ci/run installs it).
 */
import test, { type TestFn } from 'ava';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM);
export const SCREENSHOT_DIR = join(process.cwd(), '.tmp', 'screenshots');

/** `test.serial` where a browser can run, else `test.skip` after saying why. */
export function browserTestFn(file: string): TestFn {
  if (!browserAvailable && process.env.CI !== 'true') {
    console.warn(`SKIPPED browser tests of ${file}: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return test.skip as unknown as TestFn;
  }
  return test.serial as unknown as TestFn;
}

export async function launchBrowser(): Promise<Browser> {
  if (!browserAvailable) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs it`);
  // launch() runs on a fresh temporary profile of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page in a context of its own, with a virtual platform authenticator (resident keys, user verification). */
export async function pageWithAuthenticator(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (process.env.DEBUG_BROWSER) {
    page.on('console', (m) => console.log('console:', m.text()));
    page.on('requestfailed', (r) => console.log('failed:', r.url(), r.failure()?.errorText));
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return page;
}

/** A full-page screenshot `.tmp/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * A 64 x 64 greyscale BMP of 8 x 8 blocks drawn from `seed`: a person's "image" (the page scales
 * nothing at this size, so the zkimg-1 template is exactly the blocks' median threshold).
 */
export function imageFile(seed: string): { name: string; mimeType: string; buffer: Buffer } {
  const size = 64;
  const header = Buffer.alloc(54);
  const pixels = Buffer.alloc(size * size * 3);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(size, 18);
  header.writeInt32LE(size, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  let state = [...seed].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 2166136261);
  const blocks = Array.from({ length: 64 }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = blocks[Math.floor(y / 8) * 8 + Math.floor(x / 8)]!;
      pixels.fill(v, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  }
  return { name: `${seed}.bmp`, mimeType: 'image/bmp', buffer: Buffer.concat([header, pixels]) };
}
