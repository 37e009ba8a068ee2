// The first page: a learner boards passengers (appends records) and sees their seats (offsets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot, BASE_URL, DESKTOP, PHONE } from './browser.mjs';

async function openApp(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(BASE_URL);
  await page.waitForSelector('[data-partition="0"]');
  // The saved session (and the saved vocabulary) is open.
  await page.waitForSelector('[data-testid="session-status"].session-saved');
  return page;
}

async function send(page, key, value) {
  await page.fill('[data-testid="key-input"]', key);
  await page.fill('[data-testid="value-input"]', value);
  await page.click('[data-testid="send-button"]');
}

async function offsetsIn(page, partition) {
  return page.$$eval(`[data-partition="${partition}"] .seat.taken`, (seats) =>
    seats.map((s) => Number(s.dataset.offset)),
  );
}

test('records with one key take seats 0, 1, 2 in one compartment', async () => {
  const { context, foreignRequests, pageErrors } = await launch();
  try {
    const page = await openApp(context);
    assert.equal(await page.locator('.compartment').count(), 3, 'the demo topic has 3 partitions');

    for (let i = 0; i < 3; i += 1) {
      await send(page, 'alice', `coffee ${i}`);
    }
    const status = await page.textContent('[data-testid="status"]');
    const match = /offset 2 in partition (\d)|seat 2 in compartment (\d)/.exec(status);
    assert.ok(match, `status names the third seat: ${status}`);
    const partition = Number(match[1] ?? match[2]);
    assert.deepEqual(await offsetsIn(page, partition), [0, 1, 2]);
    assert.equal(
      await page.textContent(`[data-partition="${partition}"] [data-testid="log-end"]`),
      '3',
      'the next free seat is 3',
    );

    // A different partition is a different log: it starts again at offset 0.
    const others = [0, 1, 2].filter((p) => p !== partition);
    for (const p of others) {
      assert.deepEqual(await offsetsIn(page, p), [], `partition ${p} is still empty`);
    }
    let sentElsewhere = false;
    for (const key of ['bob', 'carol', 'dave', 'erin', 'frank', 'grace']) {
      await send(page, key, 'tea');
      for (const p of others) {
        const offsets = await offsetsIn(page, p);
        if (offsets.length > 0) {
          assert.equal(offsets[0], 0, `offsets of partition ${p} start at 0`);
          sentElsewhere = true;
        }
      }
    }
    assert.ok(sentElsewhere, 'some key landed in another partition');

    await page.waitForTimeout(500); // let the boarding animation finish
    await screenshot(page, 'first-page-desktop');
    await page.setViewportSize(PHONE);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `nothing overflows a phone's width (page is ${width}px wide)`);
    await screenshot(page, 'first-page-phone');
    await page.setViewportSize(DESKTOP);

    assert.deepEqual(foreignRequests, [], 'no request leaves the site');
    assert.deepEqual(pageErrors, [], 'no uncaught errors');
  } finally {
    await context.close();
  }
});

test('the same key always lands in the same compartment (murmur2), keyless records spread', async () => {
  const { context } = await launch();
  try {
    const page = await openApp(context);
    await send(page, 'order-42', 'x');
    const first = await page.textContent('[data-testid="status"]');
    await send(page, 'order-42', 'y');
    const second = await page.textContent('[data-testid="status"]');
    const partitionOf = (s) => /(?:partition|compartment) (\d)/.exec(s)?.[1];
    assert.equal(partitionOf(first), partitionOf(second));
    assert.match(second, /offset 1|seat 1/);
  } finally {
    await context.close();
  }
});

test('the vocabulary switch shows Kafka words', async () => {
  const { context } = await launch();
  try {
    const page = await openApp(context);
    assert.match(await page.textContent('.compartment h3'), /Compartment 0/);
    await page.click('[data-testid="vocab-switch"]');
    assert.match(await page.textContent('.compartment h3'), /Partition 0/);
    await send(page, 'k', 'v');
    assert.match(await page.textContent('[data-testid="status"]'), /Record took offset 0 in partition \d/);
  } finally {
    await context.close();
  }
});
