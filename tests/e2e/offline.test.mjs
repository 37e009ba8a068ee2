// Offline and installable: after one visit the page works with no network at all (a service
// worker keeps the whole build), a new deployment is offered with a small notice and taken
// whole, and the manifest makes the page installable. Served under a sub-path, as GitHub
// Pages serves a project site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { copyOfDist, host } from './static-host.mjs';

async function ready(page) {
  await page.waitForSelector('[data-testid="session-status"].session-saved');
}

async function send(page, key) {
  await page.fill('[data-testid="key-input"]', key);
  await page.click('[data-testid="send-button"]');
}

async function seatKeys(page) {
  return page.$$eval('.seat.taken .seat-key', (keys) => keys.map((k) => k.textContent).sort());
}

async function stepsShown(page, steps) {
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="session-status"]').textContent.includes(`${n} steps`),
    steps,
  );
}

/** Waits until the service worker has the whole build and is active. */
async function offlineCopyReady(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const names = await caches.keys();
    const mine = names.filter((n) => n.includes(registration.scope));
    const cache = await caches.open(mine[0]);
    return { scope: registration.scope, caches: mine.length, files: (await cache.keys()).length };
  });
}

test('after one visit the page works with no network at all, under a sub-path', async () => {
  const site = await host(copyOfDist());
  const { context, pageErrors } = await launch();
  try {
    const page = await context.newPage();
    await page.goto(site.url);
    await ready(page);
    const copy = await offlineCopyReady(page);
    assert.equal(copy.scope, site.url, 'the worker works in the sub-path');
    assert.equal(copy.caches, 1);
    const listed = /const BUILD = \{ version: "[0-9a-f]+", files: \[(.*)\] \};/.exec(
      readFileSync(join(process.env.OE_DIST ?? 'dist', 'sw.js'), 'utf8'),
    );
    assert.ok(listed, 'dist/sw.js carries the build file list');
    assert.equal(copy.files, listed[1].split(', ').length, 'every file of the build is kept');
    await send(page, 'ann');
    await stepsShown(page, 2);

    // No network at all: the browser is offline and the host is down.
    await context.setOffline(true);
    site.state.down = true;
    await page.reload();
    await ready(page);
    assert.deepEqual(await seatKeys(page), ['ann'], 'the session is back, offline');
    await send(page, 'bob');
    await stepsShown(page, 3);
    assert.deepEqual(await seatKeys(page), ['ann', 'bob'], 'the page works offline');
    await page.waitForTimeout(200);
    await page.reload();
    await ready(page);
    assert.deepEqual(await seatKeys(page), ['ann', 'bob'], 'what was done offline is kept');
    assert.equal(site.state.refused, 0, 'nothing asked the network while offline');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await site.close();
  }
});

test('a new deployment is offered with a notice and taken whole, never half', async () => {
  const dir = copyOfDist();
  const site = await host(dir);
  const { context, pageErrors } = await launch();
  try {
    const page = await context.newPage();
    await page.goto(site.url);
    await ready(page);
    await offlineCopyReady(page);
    await send(page, 'ann');
    await stepsShown(page, 2);
    await page.reload(); // now the worker serves the page
    await ready(page);
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));
    assert.ok(await page.isHidden('[data-testid="update-notice"]'), 'no notice without a new build');

    // Deploy a changed build: a different page and a new build version in the worker.
    const index = join(dir, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('<head>', '<head><meta name="oe-build" content="second" />'));
    const sw = join(dir, 'sw.js');
    writeFileSync(sw, readFileSync(sw, 'utf8').replace(/version: "([0-9a-f]+)"/, 'version: "$1-second"'));

    // The next visit still shows the build it started with, whole, and offers the new one.
    await page.reload();
    await ready(page);
    await page.waitForSelector('[data-testid="update-notice"]', { state: 'visible' });
    assert.match(await page.textContent('[data-testid="update-notice"]'), /new version/);
    assert.equal(await page.$('meta[name="oe-build"]'), null, 'the old build serves until the switch');
    assert.deepEqual(await seatKeys(page), ['ann']);

    // Taking it: the page reloads on the new build, with the learner's session.
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="update-notice"] button')]);
    await ready(page);
    assert.equal(await page.getAttribute('meta[name="oe-build"]', 'content'), 'second');
    assert.ok(await page.isHidden('[data-testid="update-notice"]'));
    assert.deepEqual(await seatKeys(page), ['ann']);
    const caches = await page.evaluate(async () => (await caches.keys()).filter((n) => n.includes(location.pathname)));
    assert.equal(caches.length, 1, `only the new build is kept: ${caches}`);
    assert.match(caches[0], /-second$/);

    // And the new build is the one kept offline.
    await context.setOffline(true);
    site.state.down = true;
    await page.reload();
    await ready(page);
    assert.equal(await page.getAttribute('meta[name="oe-build"]', 'content'), 'second');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await site.close();
  }
});

test('the page can be installed: a manifest with icons, served under the sub-path', async () => {
  const site = await host(copyOfDist());
  const { context } = await launch();
  try {
    const page = await context.newPage();
    await page.goto(site.url);
    await ready(page);
    await offlineCopyReady(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.equal(manifest.url, `${site.url}manifest.webmanifest`);
    assert.deepEqual(manifest.errors, []);
    const parsed = JSON.parse(manifest.data);
    assert.equal(parsed.name, 'Offset Express');
    for (const icon of parsed.icons) {
      const response = await page.request.get(new URL(icon.src, manifest.url).href);
      assert.equal(response.status(), 200, `${icon.src} is served`);
    }
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium finds nothing that stops installing');
  } finally {
    await context.close();
    await site.close();
  }
});
