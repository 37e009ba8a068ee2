// The sandbox: a team of two ticket checkers reads a train, writes in its notebook, one checker
// faints mid-batch, the team rebalances and the other checker resumes from the notebook's
// line, checking some passengers twice (at-least-once). Checked from the page (markers, ×2
// badges) and from the page's exposed state JSON (`window.offsetExpress`), then again after a
// reload; the same path is then taken with the keyboard alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot, BASE_URL, DESKTOP, PHONE } from './browser.mjs';

async function openApp(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(BASE_URL);
  await page.waitForSelector('[data-testid="session-status"].session-saved');
  return page;
}

/** Types one line into the console and runs it; fails the test if the line failed. */
async function type(page, line) {
  await page.fill('[data-testid="console-input"]', line);
  await ranAfter(page, line, () => page.press('[data-testid="console-input"]', 'Enter'));
}

/** The newest exchange of the console transcript: its number, its line, whether it failed. */
const lastExchange = (page) =>
  page.evaluate(() => {
    const all = [...document.querySelectorAll('[data-testid="console-transcript"] [data-seq]')];
    const last = all.sort((a, b) => Number(a.dataset.seq) - Number(b.dataset.seq)).pop();
    return last
      ? { seq: Number(last.dataset.seq), line: last.dataset.line, failed: !!last.querySelector('[data-testid="console-error"]') }
      : { seq: 0 };
  });

/** Does `act`, waits for the console to show a new exchange, and checks it is `line`, run. */
async function ranAfter(page, line, act) {
  const before = (await lastExchange(page)).seq;
  await act();
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="console-transcript"] [data-seq]')].some((e) => Number(e.dataset.seq) > n),
    before,
  );
  const last = await lastExchange(page);
  assert.equal(last.line, line);
  assert.equal(last.failed, false, `the line ran: ${line}`);
}

const state = (page) => page.evaluate(() => window.offsetExpress.state());
const group = async (page, id) => (await state(page)).groups.find((g) => g.group === id);
const consumer = async (page, name) => (await state(page)).consumers.find((c) => c.name === name);

/** The path: the lines a learner types, with the checks between them. */
async function rideWithAFaint(page, run) {
  await run('kafka-topics --create --topic trips --partitions 3');
  const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  for (const [i, key] of keys.entries()) {
    await run(`kafka-console-producer --topic trips --key ${key} --value ride-${i}`);
  }
  for (const c of ['c1', 'c2']) {
    await run(`consumer ${c} group.id=checkers enable.auto.commit=false auto.offset.reset=earliest`);
    await run(`subscribe ${c} trips`);
  }
  // Join: the first polls start the group; the coordinator waits its initial delay.
  for (let i = 0; i < 6 && (await group(page, 'checkers'))?.state !== 'Stable'; i += 1) {
    await run('poll c1');
    await run('poll c2');
    await run('advance 3s');
  }
  assert.equal((await group(page, 'checkers')).state, 'Stable');
  await run('poll c1');
  await run('poll c2');
  await run('process c1');
  await run('process c2');
  await run('commitSync c1');
  await run('commitSync c2');

  const c1 = await consumer(page, 'c1');
  const owned = c1.partitions.map((p) => p.partition);
  assert.ok(owned.length > 0, 'c1 owns at least one compartment');
  // Three more passengers per compartment c1 owns, then c1 checks them and faints before
  // writing in the notebook.
  let extra = 0;
  for (const [i, key] of keys.entries()) {
    const s = await state(page);
    const trips = s.topics.find((t) => t.name === 'trips');
    const p = trips.partitions.find((x) => x.records.some((r) => r.key === key)).partition;
    if (owned.includes(p)) {
      await run(`kafka-console-producer --topic trips --key ${key} --value again-${i}`);
      extra += 1;
    }
  }
  assert.ok(extra > 0, 'new passengers boarded the compartments c1 owns');
  await run('poll c1');
  await run('process c1');
  const committedBefore = (await group(page, 'checkers')).offsets.filter((o) => owned.includes(o.partition));
  await run('crash c1');
  // The coordinator notices after session.timeout.ms (45 s) and the team rebalances.
  for (let i = 0; i < 8; i += 1) {
    await run('advance 10s');
    await run('poll c2');
  }
  const c2 = await consumer(page, 'c2');
  for (const p of owned) {
    assert.ok(c2.partitions.some((x) => x.partition === p), `c2 took compartment ${p}`);
  }
  await run('process c2');
  return { owned, extra, committedBefore };
}

async function checkResumedAtTheNotebook(page, { owned, extra, committedBefore }) {
  const s = await state(page);
  const c2 = s.consumers.find((c) => c.name === 'c2');
  const checkers = s.groups.find((g) => g.group === 'checkers');
  for (const p of owned) {
    const was = committedBefore.find((o) => o.partition === p).offset;
    const part = s.topics.find((t) => t.name === 'trips').partitions.find((x) => x.partition === p);
    // c2 started at the notebook's line and has now read to the log end.
    assert.equal(c2.partitions.find((x) => x.partition === p).position, part.log_end_offset);
    const twice = (checkers.duplicates ?? []).filter((d) => d.topic === 'trips' && d.partition === p && d.times === 2);
    assert.deepEqual(
      twice.map((d) => d.offset),
      Array.from({ length: part.log_end_offset - was }, (_, i) => was + i),
      `compartment ${p}: exactly the seats from the notebook's line ${was} were checked twice`,
    );
  }
  const badges = await page.$$eval('[data-topic="trips"] [data-testid="duplicate-badge"]', (b) => b.length);
  assert.equal(badges, extra, `${extra} passengers carry a ×2 badge on the page`);
  for (const o of committedBefore) {
    const marker = page.locator(`[data-topic="trips"] [data-partition="${o.partition}"] [data-testid="committed"][data-group="checkers"]`);
    assert.equal(await marker.count(), 1, `the notebook line of compartment ${o.partition} is drawn`);
  }
}

test('a checker faints mid-batch: the team resumes at the notebook, ×2 badges, all kept on reload', async () => {
  const { context, foreignRequests, pageErrors } = await launch();
  try {
    const page = await openApp(context);
    const path = await rideWithAFaint(page, (line) => type(page, line));
    await checkResumedAtTheNotebook(page, path);
    const hash = await page.evaluate(() => window.offsetExpress.stateHash());
    const lines = await page.evaluate(() => window.offsetExpress.log());
    await screenshot(page, 'sandbox-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'sandbox-phone');
    await page.setViewportSize(DESKTOP);

    await page.reload();
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    await page.waitForFunction((h) => window.offsetExpress?.stateHash() === h, hash);
    assert.deepEqual(await page.evaluate(() => window.offsetExpress.log()), lines);
    await checkResumedAtTheNotebook(page, path);
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the same ride with the keyboard alone', async () => {
  const { context, pageErrors } = await launch();
  try {
    const page = await openApp(context);
    // Reach the console from the top of the page with Tab only.
    await page.keyboard.press('Tab');
    for (let i = 0; i < 200; i += 1) {
      if (await page.evaluate(() => document.activeElement?.dataset?.testid === 'console-input')) break;
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'console-input');
    const run = async (line) => {
      await page.keyboard.type(line);
      await ranAfter(page, line, () => page.keyboard.press('Enter'));
    };
    const path = await rideWithAFaint(page, run);
    await checkResumedAtTheNotebook(page, path);
    // The play shortcut works away from the input, and Escape-free focus stays visible.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('?');
    await page.waitForSelector('[role="dialog"]');
    await page.keyboard.press('Escape');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
