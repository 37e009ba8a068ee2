// The tutorial, the way a learner takes it, against the built site in Debian's Chromium with
// real IndexedDB:
// - the header's Tutorial button opens chapter 1 beside its live world; the learner's own
//   sandbox comes back when the tutorial closes, untouched by the chapters;
// - every chapter is completed through the page: the quick send form for chapters 1 and 2,
//   "show me" for chapter 3, hints and the console for the others; each shows "goal reached"
//   with the steps against par, and its "next chapter" button leads on;
// - a reload in the middle of chapter 7 returns to the chapter with the learner's lines;
// - after the last chapter, the free ride (`#chapter=free-ride`) forks its world into a
//   sandbox session of the learner's own, announced; a line runs and survives a reload;
//   the same address again continues that ride; the chapter stays as it was;
// - `#chapter=<id>` opens that chapter directly; `n` and `p` move between chapters; the
//   chapter list marks the chapters done;
// - a screenshot of every chapter at 1280 px and at 375 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, screenshot, BASE_URL, DESKTOP, PHONE } from './browser.mjs';

/** The chapters' files, in order (the chapter list is the crate's chapters, however many). */
const CHAPTER_DIR = fileURLToPath(new URL('../../crates/tutorial/chapters/', import.meta.url));
const CHAPTER_FILES = readdirSync(CHAPTER_DIR).filter((f) => f.endsWith('.md')).sort();

/** The chapters' ids, in order. */
const CHAPTERS = CHAPTER_FILES.map((f) => readFileSync(join(CHAPTER_DIR, f), 'utf8').match(/^id: (.+)$/m)[1].trim());
const LAST = CHAPTERS[CHAPTERS.length - 1];

const panel = '[data-testid="tutorial"]';

/** The newest console exchange's number. */
const lastSeq = (page) =>
  page.evaluate(() =>
    Math.max(0, ...[...document.querySelectorAll('[data-testid="console-transcript"] [data-seq]')].map((e) => Number(e.dataset.seq))),
  );

/** Types one line into the console and runs it; fails the test if the line failed. */
async function type(page, line) {
  const before = await lastSeq(page);
  await page.fill('[data-testid="console-input"]', line);
  await page.press('[data-testid="console-input"]', 'Enter');
  await page.waitForFunction((n) => {
    const all = [...document.querySelectorAll('[data-testid="console-transcript"] [data-seq]')];
    return all.some((e) => Number(e.dataset.seq) > n);
  }, before);
  const failed = await page.evaluate(() => {
    const all = [...document.querySelectorAll('[data-testid="console-transcript"] [data-seq]')];
    const last = all.sort((a, b) => Number(a.dataset.seq) - Number(b.dataset.seq)).pop();
    return last.querySelector('[data-testid="console-error"]')?.textContent ?? null;
  });
  assert.equal(failed, null, `the line ran: ${line}`);
}

/** Waits until the panel shows chapter `id`. */
async function onChapter(page, id) {
  await page.waitForSelector(`${panel}[data-chapter="${id}"]`);
}

/** Each chapter's solution lines, read from the chapter files (`## Solution`). */
function readSolutions() {
  const solutions = {};
  for (const file of CHAPTER_FILES) {
    const text = readFileSync(join(CHAPTER_DIR, file), 'utf8');
    const id = text.match(/^id: (.+)$/m)[1].trim();
    const block = text.split('## Solution')[1].split('```console')[1].split('```')[0];
    solutions[id] = block.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  }
  return solutions;
}
const SOLUTIONS = readSolutions();

/** Every goal reached: "goal reached" shows, with the steps against par. */
async function goalReached(page, par) {
  await page.waitForSelector('[data-testid="goal-reached"]');
  const verdict = await page.textContent('[data-testid="par-verdict"]');
  assert.match(verdict, new RegExp(`\\(par ${par}\\)`), verdict);
  const reached = await page.$$eval('[data-testid="chapter-goal"]', (goals) => goals.map((g) => g.dataset.reached));
  assert.ok(reached.every((r) => r === 'true'), `every goal reached: ${reached}`);
  return verdict;
}

/** Shows the page from its top, the chapter panel scrolled to "goal reached" if shown (a
 *  full-page screenshot draws sticky parts where the scroll left them). */
const fromTheTop = (page) =>
  page.evaluate(() => {
    const side = document.querySelector('.stage-side');
    if (side) side.scrollTop = 0;
    document.querySelector('[data-testid="goal-reached"]')?.scrollIntoView({ block: 'nearest' });
    window.scrollTo(0, 0);
  });

/** Screenshots of the chapter at 1280 px and 375 px. */
async function shoot(page, n, id, when) {
  const name = `tutorial-${String(n).padStart(2, '0')}-${id}-${when}`;
  await page.setViewportSize(DESKTOP);
  await fromTheTop(page);
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize(PHONE);
  await fromTheTop(page);
  await screenshot(page, `${name}-375`);
  await page.setViewportSize(DESKTOP);
}

/** The par the open chapter shows. */
async function parOf(page) {
  const text = await page.textContent('[data-testid="chapter-steps"]');
  const m = text.match(/par (\d+)/);
  assert.ok(m, text);
  return Number(m[1]);
}

test('a learner takes the whole tutorial', { timeout: 240_000 }, async () => {
  const { context, foreignRequests, pageErrors } = await launch();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(BASE_URL);
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    // The learner's own sandbox first: one line of their own.
    await type(page, 'kafka-console-producer --topic orders --value mine');
    const home = await page.evaluate(() => window.offsetExpress.state());
    const homeRecords = home.topics.find((t) => t.name === 'orders').partitions.reduce((n, p) => n + p.records.length, 0);

    // The Tutorial button opens chapter 1 (nothing done yet).
    await page.click('[data-testid="tutorial-switch"]');
    await onChapter(page, CHAPTERS[0]);
    assert.match(page.url(), /#chapter=seats-and-passengers$/);
    assert.equal(await page.getAttribute('[data-testid="tutorial-switch"]', 'aria-pressed'), 'true');
    // The focus is on the chapter's title; the story and the goals are live regions.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'chapter-title');
    assert.equal(await page.getAttribute('[data-testid="chapter-goals"]', 'aria-live'), 'polite');
    assert.equal(await page.getAttribute('[data-testid="chapter-story"]', 'aria-live'), 'polite');
    await shoot(page, 1, CHAPTERS[0], 'start');

    // Chapter 1 with the quick send form: three passengers.
    let par = await parOf(page);
    for (const value of ['2 tickets to Lyon', '1 ticket to Turin', 'seat upgrade']) {
      await page.fill('[data-testid="value-input"]', value);
      await page.click('[data-testid="send-button"]');
    }
    let verdict = await goalReached(page, par);
    assert.match(verdict, /You took 3 steps \(par 3\)/);
    assert.equal(await page.getAttribute('[data-testid="goal-reached"]', 'role'), 'status');
    await shoot(page, 1, CHAPTERS[0], 'done');
    await page.click('[data-testid="chapter-next"]');

    // Chapter 2 with the form and keys; a hint first.
    await onChapter(page, CHAPTERS[1]);
    par = await parOf(page);
    await page.click('[data-testid="chapter-hint"]');
    await page.waitForSelector('[data-testid="chapter-hints"] li');
    for (const [key, value] of [['alice', '2 tickets to Lyon'], ['alice', 'seat upgrade'], ['carol', '1 ticket to Turin'], ['dave', 'a window seat']]) {
      await page.fill('[data-testid="key-input"]', key);
      await page.fill('[data-testid="value-input"]', value);
      await page.click('[data-testid="send-button"]');
    }
    await goalReached(page, par);
    await shoot(page, 2, CHAPTERS[1], 'done');
    await page.click('[data-testid="chapter-next"]');

    // Chapter 3: "show me" plays the solution a line at a time, with a pause between lines.
    await onChapter(page, CHAPTERS[2]);
    par = await parOf(page);
    await page.click('[data-testid="chapter-show-me"]');
    await page.waitForSelector('[data-testid="chapter-showing"]');
    await page.waitForSelector('[data-testid="chapter-stop"]');
    verdict = await goalReached(page, par);
    assert.match(verdict, /Show me/);
    await shoot(page, 3, CHAPTERS[2], 'done');
    await page.click('[data-testid="chapter-next"]');

    // Chapters 4 to the last with the console, each chapter's own solution (chapter 7 with a reload
    // in the middle, chapter 9 with "reset chapter" after a wrong turn).
    for (let i = 3; i < CHAPTERS.length; i += 1) {
      const id = CHAPTERS[i];
      await onChapter(page, id);
      par = await parOf(page);
      await shoot(page, i + 1, id, 'start');
      const lines = SOLUTIONS[id];
      assert.equal(lines.length, par, `${id}: par is the solution's length`);
      if (id === 'where-to-start') {
        await type(page, 'kafka-console-producer --topic clicks --value a-wrong-turn');
        await page.click('[data-testid="chapter-reset"]');
        await page.waitForFunction(() => /^0 steps/.test(document.querySelector('[data-testid="chapter-steps"]')?.textContent ?? ''));
      }
      for (const [n, line] of lines.entries()) {
        await type(page, line);
        if (id === 'a-team-of-checkers' && n === 2) {
          // A reload mid-chapter: the same chapter, the same world, the same steps.
          const before = await page.evaluate(() => window.offsetExpress.state());
          await page.waitForTimeout(300); // the last step's write settles
          await page.reload();
          await onChapter(page, id);
          await page.waitForFunction(() => /^3 steps/.test(document.querySelector('[data-testid="chapter-steps"]')?.textContent ?? ''));
          const after = await page.evaluate(() => window.offsetExpress.state());
          assert.deepEqual(after.consumers.map((c) => c.name), before.consumers.map((c) => c.name));
          // Chapters done before the reload are still marked done.
          const done = await page.$$eval('[data-testid="chapter-link"].done', (l) => l.map((e) => e.dataset.chapter));
          assert.deepEqual(done, CHAPTERS.slice(0, 6));
        }
      }
      verdict = await goalReached(page, par);
      assert.match(verdict, new RegExp(`You took \\d+ steps? \\(par ${par}\\)`), verdict);
      await shoot(page, i + 1, id, 'done');
      if (i + 1 < CHAPTERS.length) {
        await page.click('[data-testid="chapter-next"]');
      }
    }

    // The end: every chapter done; the last one offers the free ride (and, after the list,
    // so does its own entry); back to the learner's own sandbox first, as it was.
    const lastWorld = await page.evaluate(() => window.offsetExpress.stateHash());
    await page.waitForSelector('[data-testid="free-ride-start"]');
    assert.match(await page.textContent('[data-testid="chapter-next-nav"]'), /Free ride/);
    await page.click('[data-testid="chapter-list"] summary');
    const done = await page.$$eval('[data-testid="chapter-link"].done', (l) => l.map((e) => e.dataset.chapter));
    assert.deepEqual(done, CHAPTERS);
    assert.ok(await page.$('[data-testid="free-ride-link"]'), 'the list ends with the free ride');
    await shoot(page, CHAPTERS.length, LAST, 'list');
    await page.click('[data-testid="tutorial-finish"]');
    await page.waitForSelector(panel, { state: 'detached' });
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    const back = await page.evaluate(() => window.offsetExpress.state());
    const backRecords = back.topics.find((t) => t.name === 'orders').partitions.reduce((n, p) => n + p.records.length, 0);
    assert.equal(backRecords, homeRecords, 'the sandbox is as the learner left it');
    assert.deepEqual(back.consumers, home.consumers);
    // After a reload, the sandbox (not a chapter's world) opens.
    await page.reload();
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    assert.equal(await page.$(panel), null);
    const reloaded = await page.evaluate(() => window.offsetExpress.state());
    assert.deepEqual(reloaded.topics.map((t) => t.name), home.topics.map((t) => t.name));

    // The free ride: from the last chapter (opened by its link), its "free ride" button forks
    // the chapter's world into a sandbox session of the learner's own, announced.
    await page.evaluate((id) => { window.location.hash = `chapter=${id}`; }, LAST);
    await onChapter(page, LAST);
    await page.click('[data-testid="free-ride-start"]');
    await page.waitForSelector('[data-testid="free-ride"]');
    await page.waitForSelector(panel, { state: 'detached' });
    const announced = await page.textContent('[data-testid="free-ride"]');
    assert.match(announced, /Free ride/);
    assert.match(announced, /the world you built in chapter \d+, “/, announced);
    assert.equal(await page.getAttribute('[data-testid="free-ride"]', 'role'), 'status');
    assert.match(page.url(), /#session=[^&]+$/, 'the address names the free ride\'s session');
    const rideUrl = page.url();
    assert.equal(await page.evaluate(() => window.offsetExpress.stateHash()), lastWorld, 'the world the learner built');
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    await page.waitForTimeout(500); // the announcement's entrance ends
    await page.setViewportSize(DESKTOP);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'tutorial-free-ride-1280');
    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'tutorial-free-ride-375');
    await page.setViewportSize(DESKTOP);
    // An ordinary sandbox: a line runs and is saved, the timeline is there, a reload reopens it.
    await type(page, 'kafka-console-producer --topic free-ride --value whee');
    assert.ok(await page.isVisible('[data-testid="timeline"]'), 'the timeline is back');
    const rideWorld = await page.evaluate(() => window.offsetExpress.stateHash());
    await page.waitForTimeout(300); // the last step's write settles
    await page.reload();
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    assert.equal(await page.$(panel), null);
    assert.equal(page.url(), rideUrl);
    assert.equal(await page.evaluate(() => window.offsetExpress.stateHash()), rideWorld);
    await page.click('[data-testid="session-list"] summary');
    await page.waitForSelector('[data-testid="session-entry"]');
    const names = await page.$$eval('[data-testid="session-entry"] .session-name', (l) => l.map((e) => e.textContent));
    assert.equal(names.filter((n) => n.startsWith('Free ride · ')).length, 1, names.join(' | '));
    await page.click('[data-testid="session-list"] summary');
    // The free ride's address, linked again, continues the same ride rather than forking anew.
    await page.evaluate(() => { window.location.hash = 'chapter=free-ride'; });
    await page.waitForFunction((url) => window.location.href === url, rideUrl);
    await page.waitForSelector('[data-testid="free-ride"]');
    assert.match(await page.textContent('[data-testid="free-ride"]'), /goes on where you left it/);
    assert.equal(await page.evaluate(() => window.offsetExpress.stateHash()), rideWorld);
    await page.click('[data-testid="free-ride-dismiss"]');
    await page.waitForSelector('[data-testid="free-ride"]', { state: 'detached' });
    // The chapter itself is unchanged by the ride.
    await page.evaluate((id) => { window.location.hash = `chapter=${id}`; }, LAST);
    await onChapter(page, LAST);
    assert.equal(await page.evaluate(() => window.offsetExpress.stateHash()), lastWorld);

    // A teacher's link to chapter 6 opens it; `n` and `p` move on and back.
    await page.goto('about:blank');
    await page.goto(`${BASE_URL}#chapter=when-to-write`);
    await onChapter(page, 'when-to-write');
    await shoot(page, 6, 'when-to-write', 'linked');
    await page.keyboard.press('n');
    await onChapter(page, 'a-team-of-checkers');
    await page.keyboard.press('p');
    await onChapter(page, 'when-to-write');
    // The shortcut overlay lists the tutorial's keys.
    await page.keyboard.press('?');
    assert.match(await page.textContent('[data-testid="shortcuts"]'), /next chapter/i);
    await page.keyboard.press('Escape');
    // Goal explanations follow the vocabulary switch.
    await page.click('[data-testid="chapter-reset"]');
    await page.waitForSelector('.goal-why');
    const trainWhy = await page.textContent('.goal-why');
    await page.click('[data-testid="vocab-switch"]');
    const kafkaWhy = await page.textContent('.goal-why');
    assert.match(trainWhy, /team auto-team checked 0 passengers/);
    assert.match(kafkaWhy, /group auto-team processed 0 records/);
    assert.doesNotMatch(kafkaWhy, /passengers/);
    await page.click('[data-testid="vocab-switch"]');

    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

