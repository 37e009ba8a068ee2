// Export and import of sessions: a learner can save a session as a file and bring it back;
// a bad file is refused with a message that says what is wrong, and nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, BASE_URL } from './browser.mjs';

async function ready(page) {
  await page.waitForSelector('[data-testid="session-status"].session-saved');
}

async function takenSeats(page) {
  return page.$$eval('.seat.taken', (seats) => seats.map((s) => s.dataset.offset + ':' + s.querySelector('.seat-key').textContent));
}

test('an exported session imports as a new session with the same passengers in the same seats', async () => {
  const { context, pageErrors } = await launch();
  try {
    const page = await context.newPage();
    await page.goto(BASE_URL);
    await ready(page);
    for (const key of ['ann', 'ben', 'ann']) {
      await page.fill('[data-testid="key-input"]', key);
      await page.click('[data-testid="send-button"]');
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="session-status"]').textContent.includes('4 steps'));
    const seats = await takenSeats(page);
    const firstSession = new URL(page.url()).hash;
    assert.match(firstSession, /^#session=/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-session"]')]);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(exported.format, 'offset-express/sessions');
    assert.equal(exported.sessions.length, 1);
    assert.equal(exported.sessions[0].steps.length, 4, 'create topic + three sends');

    // A malformed file: a clear message, and the open session is untouched.
    await page.setInputFiles('[data-testid="import-session"]', {
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "offset-express/sessions", "schema": 2, "sessions": [{"id": 7}]}'),
    });
    await page.waitForSelector('[data-testid="notices"] li');
    const notice = await page.textContent('[data-testid="notices"]');
    assert.match(notice, /Nothing was imported/);
    assert.match(notice, /sessions\[0\]/, `the message says where: ${notice}`);
    assert.deepEqual(await takenSeats(page), seats);

    // The real file: a new session (new id), same world.
    await page.setInputFiles('[data-testid="import-session"]', file);
    await page.waitForFunction((first) => location.hash !== first && location.hash.startsWith('#session='), firstSession);
    await ready(page);
    assert.deepEqual(await takenSeats(page), seats, 'the imported session shows the same seats');
    assert.match(await page.textContent('[data-testid="notices"]'), /Imported 1 session/);

    // Both sessions exist: going back to the first one's address shows it again.
    await page.goto(BASE_URL + firstSession);
    await page.reload();
    await ready(page);
    assert.equal(new URL(page.url()).hash, firstSession);
    assert.deepEqual(await takenSeats(page), seats);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
