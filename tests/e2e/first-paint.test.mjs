// First paint: the static shell of index.html (the header and an outline of the train) is
// painted before the app's code arrives, and the app replaces it in one frame, with its
// header where the shell's was: no layout jump, no blank frame, no frame showing both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot, BASE_URL } from './browser.mjs';

// Records, just before each frame is painted, whether the shell and the app are in #app.
const WATCH_FRAMES = () => {
  window.__oeFrames = [];
  const look = () => {
    const root = document.getElementById('app');
    if (root) {
      const shell = document.getElementById('shell') !== null;
      const app = [...root.children].some((e) => e.id !== 'shell');
      const last = window.__oeFrames[window.__oeFrames.length - 1];
      if (!last || last.shell !== shell || last.app !== app) window.__oeFrames.push({ shell, app });
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
};

const box = (page, selector) =>
  page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
  });

test('the shell is painted before the app code arrives and the app takes its place without a jump', async () => {
  const { context, pageErrors } = await launch();
  try {
    const page = await context.newPage();
    await page.addInitScript(WATCH_FRAMES);
    // Hold the wasm back until the shell has been looked at.
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    await page.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(BASE_URL, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    assert.ok(await page.isVisible('#shell h1'), 'the header is painted from index.html alone');
    assert.equal(await page.textContent('#shell h1'), 'Offset Express');
    assert.equal(await page.locator('#shell .compartment').count(), 3, 'an outline of the train');
    const shellHeader = await box(page, '#shell h1');
    const shellTagline = await box(page, '#shell .tagline');
    await screenshot(page, 'first-paint-shell');

    release();
    await page.waitForSelector('#shell', { state: 'detached' });
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    assert.deepEqual(await box(page, 'h1'), shellHeader, 'the title stays where it was painted');
    assert.deepEqual(await box(page, '.tagline'), shellTagline, 'the tagline too');

    const frames = await page.evaluate(() => window.__oeFrames);
    assert.ok(frames.length >= 2, `frames seen: ${JSON.stringify(frames)}`);
    for (const frame of frames.slice(1)) {
      assert.ok(frame.shell !== frame.app, `a frame showed ${frame.shell ? 'both' : 'neither'}: ${JSON.stringify(frames)}`);
    }
    assert.deepEqual(frames[frames.length - 1], { shell: false, app: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
