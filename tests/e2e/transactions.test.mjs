// Transactions on the train: a transactional producer, created and driven with the control
// buttons (each one a console line), commits two passengers, aborts one and leaves one in an
// open transaction; a read_committed checker reads up to the last stable offset. The page draws
// the COMMIT and ABORT markers in seats of their own, the aborted passenger greyed, the open
// one outlined, and the last stable offset; the state JSON agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot, BASE_URL, DESKTOP, PHONE } from './browser.mjs';

const state = (page) => page.evaluate(() => window.offsetExpress.state());

/** Clicks a button of the controls and waits until the console ran `line`. */
async function click(page, testid, line) {
  const before = await page.evaluate(() => window.offsetExpress.log().length);
  await page.click(`[data-testid="${testid}"]`);
  await page.waitForFunction((n) => window.offsetExpress.log().length > n, before);
  const log = await page.evaluate(() => window.offsetExpress.log());
  assert.equal(log[log.length - 1], line);
}

test('markers take seats, aborted passengers are skipped, the LSO holds read_committed back', async () => {
  const { context } = await launch();
  try {
    const page = await context.newPage();
    await page.setViewportSize(DESKTOP);
    await page.goto(BASE_URL);
    await page.waitForSelector('[data-testid="session-status"].session-saved');
    await page.evaluate(() =>
      window.offsetExpress.runScript(
        [
          'kafka-topics --create --topic out --partitions 1',
          'producer tp transactional.id=tp linger.ms=0',
          'consumer rc group.id=readers isolation.level=read_committed auto.offset.reset=earliest',
          'subscribe rc out',
        ].join('\n'),
      ),
    );
    // The producer's transaction buttons are console lines.
    await page.selectOption('.control-form:has([data-testid="control-init-transactions"]) select', 'tp');
    await click(page, 'control-init-transactions', 'initTransactions tp');
    await click(page, 'control-begin-transaction', 'beginTransaction tp');
    await page.evaluate(() => window.offsetExpress.runScript('send tp --topic out --value a\nsend tp --topic out --value b'));
    await click(page, 'control-commit-transaction', 'commitTransaction tp');
    await page.evaluate(() =>
      window.offsetExpress.runScript(
        [
          'beginTransaction tp',
          'send tp --topic out --value x',
          'abortTransaction tp',
          'beginTransaction tp',
          'send tp --topic out --value c',
          'poll rc',
          'advance 3s',
          'poll rc',
          'process rc',
        ].join('\n'),
      ),
    );
    const compartment = page.locator('.compartment:has(.seat.txn-marker)').first();
    await compartment.scrollIntoViewIfNeeded();
    await page.waitForSelector('.seat.marker-abort');
    const seat = (o) => compartment.locator(`.seat[data-offset="${o}"]`);
    assert.match(await seat(2).getAttribute('class'), /marker-commit/);
    assert.match(await seat(3).getAttribute('class'), /txn-aborted/);
    assert.match(await seat(4).getAttribute('class'), /marker-abort/);
    assert.match(await seat(5).getAttribute('class'), /txn-open/);
    assert.match(await seat(2).getAttribute('aria-label'), /COMMIT marker/);
    assert.equal(await compartment.locator('[data-testid="last-stable-offset"]').textContent(), '5');
    // The read_committed checker read a and b, skipped the markers and x, and waits at 5.
    const s = await state(page);
    const out = s.topics.find((t) => t.name === 'out').partitions[0];
    assert.equal(out.last_stable_offset, 5);
    assert.equal(out.high_watermark, 6);
    assert.deepEqual(
      out.records.map((r) => r.batch ?? 'plain'),
      ['transactional', 'transactional', 'commit_marker', 'transactional', 'abort_marker', 'transactional'],
    );
    assert.equal(out.records[3].aborted, true);
    const rc = s.consumers.find((c) => c.name === 'rc');
    assert.equal(rc.partitions[0].position, 5);
    assert.equal(s.transactions[0].state, 'Ongoing');
    assert.equal(await compartment.locator('[data-testid="never-checked"]').count(), 0, 'markers are not unchecked passengers');
    await screenshot(page, 'transactions-desktop');
    await page.setViewportSize(PHONE);
    await compartment.scrollIntoViewIfNeeded();
    await screenshot(page, 'transactions-phone');
  } finally {
    await context.close();
  }
});
