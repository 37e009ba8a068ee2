// The sandbox II: time travel, "why?", sharing, presentation mode and the code a learner
// carries away, against the built site in Debian's Chromium with real IndexedDB.
// - A session with a crash and a duplicate: "why?" on the ×2 passenger names the faint and
//   the notebook's last line.
// - Scrub back 10 steps and forward again with the keyboard: the world is the one those
//   lines build (state hashes recorded while building it).
// - Acting in the past starts a new future; the old one is in the session list.
// - Share, open the link in a fresh browser: same state hash, read-only, "make it mine";
//   a tampered link is refused and the learner's sessions are untouched.
// - Presentation mode by keyboard; the code echo of a line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot, BASE_URL, PHONE } from './browser.mjs';

const CRASH_AND_DUPLICATE = [
  'kafka-topics --create --topic rides --partitions 1',
  'kafka-console-producer --topic rides --value one --value two --value three',
  'consumer c1 enable.auto.commit=false auto.offset.reset=earliest group.id=billing',
  'subscribe c1 rides',
  'poll c1',
  'advance 3s',
  'poll c1',
  'process c1 --count 1',
  'commitSync c1 --offsets rides:0=1',
  'process c1',
  'crash c1',
  'advance 45s',
  'consumer c2 enable.auto.commit=false auto.offset.reset=earliest group.id=billing',
  'subscribe c2 rides',
  'poll c2',
  'advance 3s',
  'poll c2',
  'process c2',
];

async function openApp(context, url = BASE_URL) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.waitForFunction(() => window.offsetExpress !== undefined);
  return page;
}

const hash = (page) => page.evaluate(() => window.offsetExpress.stateHash());
const position = (page) => page.textContent('[data-testid="timeline-position"]');
/** The session list's entries; with `count`, waits until the list (loaded as it opens) has that many. */
const sessions = async (page, count = 1) => {
  await page.click('[data-testid="session-list"] summary');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="session-entry"]').length === n, count);
  const list = await page.$$eval('[data-testid="session-entry"]', (all) =>
    all.map((e) => ({ id: e.dataset.session, text: e.textContent })),
  );
  await page.click('[data-testid="session-list"] summary');
  return list;
};

test('time travel, why, sharing and presentation', async () => {
  const { context, pageErrors, foreignRequests } = await launch();
  let link;
  let finalHash;
  let total;
  try {
    const page = await openApp(context);
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    // Build the session line by line, recording the world after each step.
    const hashes = [];
    for (const line of CRASH_AND_DUPLICATE) {
      await page.evaluate((l) => window.offsetExpress.run(l), line);
      hashes.push(await hash(page));
    }
    finalHash = await hash(page);
    total = 1 + CRASH_AND_DUPLICATE.length; // the starter line, then ours
    assert.equal(await position(page), `Step ${total} of ${total}`);

    // "why?" on the passenger checked twice.
    const seat = page.locator('.compartment:has([data-testid="duplicate-badge"]) li[data-offset="2"]').first();
    await seat.click();
    await page.click('[data-testid="why-button"]');
    const why = await page.textContent('[data-testid="why"]');
    assert.match(why, /2 times/);
    assert.match(why, /fainted|crashed/);
    assert.match(why, /notebook|committed offset/);
    assert.match(why, /step 12/, 'the faint is step 12 (the starter line is step 1)');
    await screenshot(page, 'time-travel-why-desktop');

    // Scrub back 10 steps with the keyboard, then forward again.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 10; i += 1) await page.keyboard.press('[');
    assert.equal(await position(page), `Step ${total - 10} of ${total}`);
    assert.equal(await hash(page), hashes[total - 10 - 2], 'the world those lines build');
    assert.match(await page.textContent('[data-testid="timeline-note"]'), /10 later steps/);
    await page.fill('[data-testid="timeline-slider"]', String(total - 5));
    assert.equal(await position(page), `Step ${total - 5} of ${total}`);
    assert.equal(await hash(page), hashes[total - 5 - 2]);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 5; i += 1) await page.keyboard.press(']');
    assert.equal(await position(page), `Step ${total} of ${total}`);
    assert.equal(await hash(page), finalHash);

    // Fork: act 3 steps back; the old future stays a session of its own.
    const before = await sessions(page);
    assert.equal(before.length, 1);
    for (let i = 0; i < 2; i += 1) await page.keyboard.press('[');
    await page.keyboard.press('Control+z');
    assert.equal(await position(page), `Step ${total - 3} of ${total}`, 'undo is a step back');
    await page.keyboard.press('Control+Shift+Z');
    assert.equal(await position(page), `Step ${total - 2} of ${total}`, 'redo a step forward');
    await page.keyboard.press('Control+z');
    await page.evaluate(() => window.offsetExpress.run('kafka-console-producer --topic rides --value four'));
    await page.waitForFunction(() => document.querySelector('[data-testid="notices"]')?.textContent.includes('new session'));
    assert.equal(await position(page), `Step ${total - 2} of ${total - 2}`);
    await page.waitForFunction((n) => document.querySelector('[data-testid="session-status"]')?.textContent.includes(`${n} steps`), total - 2);
    const after = await sessions(page, 2);
    assert.equal(after.length, 2, 'the old future is kept');
    assert.ok(after.some((s) => s.id === before[0].id && s.text.includes(`${total} steps`)), JSON.stringify(after));
    assert.ok(after.some((s) => s.text.includes(`new future from step ${total - 3}`)), JSON.stringify(after));

    // The old future opens again, whole.
    await page.click('[data-testid="session-list"] summary');
    await page.click(`[data-session="${before[0].id}"] button`);
    await page.waitForFunction((n) => document.querySelector('[data-testid="timeline-position"]')?.textContent === `Step ${n} of ${n}`, total);
    assert.equal(await hash(page), finalHash);

    // The code echo of a line.
    await page.evaluate(() => window.offsetExpress.run('kafka-topics --list'));
    await page.fill('[data-testid="console-input"]', 'poll c2');
    await page.press('[data-testid="console-input"]', 'Enter');
    await page.locator('[data-testid="code-echo"]').last().click();
    assert.match(await page.locator('[data-testid="echo-python"]').last().textContent(), /\.poll\(/);
    assert.match(await page.locator('[data-testid="echo-java"]').last().textContent(), /\.poll\(Duration\.ofMillis/);

    // Share the world as it is now.
    finalHash = await hash(page);
    total = await page.evaluate(() => window.offsetExpress.log().length);
    await page.click('[data-testid="share"]');
    link = await page.inputValue('[data-testid="share-link"]');
    assert.match(link, /#share=1\./);
    await screenshot(page, 'time-travel-share-desktop');
  } finally {
    await context.close();
  }
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(foreignRequests, []);

  // A fresh browser opens the link: the same world, read-only, then the learner's own.
  const fresh = await launch();
  try {
    const page = await openApp(fresh.context, link);
    await page.waitForSelector('[data-testid="shared-banner"]');
    assert.equal(await hash(page), finalHash);
    await page.evaluate(() => window.offsetExpress.run('advance 1s')).catch(() => {});
    assert.equal(await hash(page), finalHash, 'read-only until made mine');

    // Presentation mode by keyboard.
    await page.click('[data-testid="present"]');
    await page.waitForSelector('[data-testid="presenter"]');
    assert.equal(await page.textContent('[data-testid="presenter-position"]'), `Step 0 of ${total}`);
    await page.locator('[data-testid="presenter"]').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
    assert.equal(await page.textContent('[data-testid="presenter-position"]'), `Step 3 of ${total}`);
    assert.match(await page.textContent('[data-testid="presenter-line"]'), /kafka-console-producer --topic rides --value one/);
    await screenshot(page, 'time-travel-present-desktop');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.textContent('[data-testid="presenter-position"]'), `Step 2 of ${total}`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="presenter"]', { state: 'detached' });
    await page.fill('[data-testid="timeline-slider"]', String(total));

    await page.click('[data-testid="make-it-mine"]');
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    assert.equal(await hash(page), finalHash);
    const mine = await sessions(page);
    assert.equal(mine.length, 1);

    // A tampered link: refused, and the learner's sessions are untouched.
    const [base, payload] = link.split('#share=');
    const tampered = `${base}#share=${payload.slice(0, 20)}!${payload.slice(21)}`;
    await page.goto('about:blank');
    await page.goto(tampered);
    await page.waitForFunction(() => document.querySelector('[data-testid="notices"]')?.textContent.includes('shared link could not be opened'));
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    assert.equal(await hash(page), finalHash, 'the learner\'s own session is open instead');
    assert.deepEqual(await sessions(page), mine);

    await page.setViewportSize(PHONE);
    await page.goto('about:blank');
    await page.goto(link);
    await page.waitForSelector('[data-testid="shared-banner"]');
    await screenshot(page, 'time-travel-shared-phone');
  } finally {
    await fresh.context.close();
  }
  assert.deepEqual(fresh.pageErrors, []);
});
