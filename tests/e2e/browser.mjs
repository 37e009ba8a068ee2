// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core, against
// the built static site that `cargo xtask test` serves (OE_BASE_URL).
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE_URL = process.env.OE_BASE_URL ?? 'http://127.0.0.1:8080/';
export const ARTIFACTS = process.env.OE_ARTIFACTS ?? join(process.cwd(), 'artifacts');
const EXECUTABLE = process.env.OE_CHROMIUM ?? '/usr/bin/chromium';

// Flags for a sandboxed CI machine with no network beyond loopback.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 375, height: 740 };

/** A fresh browser with its own profile; every request to another origin is recorded. */
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'oe-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: FLAGS,
    viewport: DESKTOP,
  });
  const foreignRequests = [];
  const pageErrors = [];
  const origin = new URL(BASE_URL).origin;
  context.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      foreignRequests.push(url);
    }
  });
  context.on('page', (page) => page.on('pageerror', (e) => pageErrors.push(String(e))));
  return { context, foreignRequests, pageErrors };
}

/** Saves a screenshot under the artifacts folder and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
