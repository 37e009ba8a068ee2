// Reload persistence: what a learner did is still there after a reload, in real IndexedDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, BASE_URL } from './browser.mjs';

async function ready(page) {
  await page.waitForSelector('[data-testid="session-status"].session-saved');
}

async function seats(page) {
  return page.$$eval('.compartment', (compartments) =>
    compartments.map((c) => [...c.querySelectorAll('.seat.taken')].map((s) => `${s.dataset.offset}:${s.querySelector('.seat-key').textContent}`)),
  );
}

test('records sent before a reload are in the same seats after it, and new ones continue the offsets', async () => {
  const { context, pageErrors } = await launch();
  try {
    const page = await context.newPage();
    await page.goto(BASE_URL);
    await ready(page);
    for (const key of ['alice', 'bob', 'alice', 'carol', 'dave']) {
      await page.fill('[data-testid="key-input"]', key);
      await page.click('[data-testid="send-button"]');
    }
    await page.click('[data-testid="vocab-switch"]');
    const before = await seats(page);
    assert.equal(before.flat().length, 5);
    // Give the last step its transaction (it is written right after the render).
    await page.waitForFunction(() => document.querySelector('[data-testid="session-status"]').textContent.includes('6 steps'));
    await page.waitForTimeout(200);

    await page.reload();
    await ready(page);
    assert.deepEqual(await seats(page), before, 'every passenger is in the same seat');
    assert.match(await page.textContent('.compartment h3'), /Partition 0/, 'the vocabulary choice is remembered');

    // The next record in alice's partition takes the next free seat of that partition.
    await page.fill('[data-testid="key-input"]', 'alice');
    await page.click('[data-testid="send-button"]');
    const [, offset, partition] = /offset (\d+) in partition (\d)/.exec(await page.textContent('[data-testid="status"]'));
    assert.equal(Number(offset), before[Number(partition)].length, 'offsets continue where they were');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a second tab on the same session follows it read-only instead of writing over it', async () => {
  const { context } = await launch();
  try {
    const first = await context.newPage();
    await first.goto(BASE_URL);
    await ready(first);
    const second = await context.newPage();
    await second.goto(BASE_URL);
    await second.waitForSelector('[data-testid="session-status"].session-following');
    assert.ok(await second.isDisabled('[data-testid="send-button"]'), 'the follower cannot send');

    await first.fill('[data-testid="key-input"]', 'zed');
    await first.click('[data-testid="send-button"]');
    // The follower hears about the new step and shows it.
    await second.waitForFunction(() => document.querySelectorAll('.seat.taken').length === 1);
  } finally {
    await context.close();
  }
});
