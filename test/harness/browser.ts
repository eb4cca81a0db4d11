// Headless Chromium (Debian's package, installed by `npm run bootstrap -- --browser`) driven by
// playwright-core, with the flags this machine's closed network needs: no background connections, no QUIC.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(): string {
  const path = process.env.WANFLOW_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path))
    throw new Error(
      `no Chromium at ${path}: run \`npm run bootstrap -- --browser\` (as root it installs Debian's chromium) or set WANFLOW_CHROMIUM`,
    );
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Videos play without a click in a test.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Where a test file's screenshots go: test-output/<name>/ in the checkout (ignored by git). */
export function screenshotDir(name: string): string {
  const dir = resolve(__dirname, '..', '..', 'test-output', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const screenshotPath = (dir: string, page: string) => join(dir, `${page}.png`);
