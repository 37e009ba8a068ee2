// Benchmark: reopening a 10,000-step session after a reload, in headless Chromium with real
// IndexedDB, against the built site (OE_BASE_URL). The session is made through the page's own
// export and import: export the fresh session, grow its log to 10,000 sends, import it, then
// time reloads from navigation start until the page shows the rebuilt world.
// Budget (DESIGN.md): ≤ 300 ms.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, BASE_URL } from '../e2e/browser.mjs';

const STEPS = Number(process.env.OE_BENCH_STEPS ?? 10000);
const RUNS = Number(process.env.OE_BENCH_RUNS ?? 7);

const OBSERVE_RESTORED = (expected) => {
  const observer = new MutationObserver(() => {
    const status = document.querySelector('[data-testid="session-status"].session-saved');
    if (status && status.textContent.includes(`${expected} steps`)) {
      window.__oeRestored = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
};

/** `text` with the JSON array under `"key":` (the first one) replaced by `value`. */
function replaceArray(text, key, value) {
  const at = text.indexOf(`"${key}":`);
  const open = text.indexOf('[', at);
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth += 1;
    else if (c === ']' || c === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(0, open) + JSON.stringify(value) + text.slice(i + 1);
    }
  }
  throw new Error(`no array under ${key}`);
}

const { context } = await launch();
try {
  const page = await context.newPage();
  await page.goto(BASE_URL);
  await page.waitForSelector('[data-testid="session-status"].session-saved');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-session"]')]);
  // The export is edited as text: parsing and printing it in JavaScript would round its 64-bit
  // integers (a config default of Long.MAX_VALUE) to doubles, and the page would then refuse the
  // session's config. Only the session's steps and snapshots arrays are replaced.
  const text = readFileSync(await download.path(), 'utf8');
  const session = JSON.parse(text).sessions[0];
  // A session is a seed plus console lines: the topic, then one passenger per line.
  const steps = [session.steps[0]];
  for (let i = 1; i < STEPS; i += 1) {
    steps.push({ index: i, line: `kafka-console-producer --topic orders --key customer-${i % 97} --value "order ${i}"` });
  }
  const edited = replaceArray(replaceArray(text, 'steps', steps), 'snapshots', []);
  const file = join(mkdtempSync(join(tmpdir(), 'oe-bench-')), 'long-session.json');
  writeFileSync(file, edited);
  const before = page.url();
  await page.setInputFiles('[data-testid="import-session"]', file);
  await page.waitForFunction((first) => location.href !== first, before);
  await page.waitForFunction((n) => document.querySelector('[data-testid="session-status"]')?.textContent.includes(`${n} steps`), STEPS, { timeout: 120000 });

  await page.addInitScript(OBSERVE_RESTORED, STEPS);
  const samples = [];
  const phases = [];
  // The imported session has no stored snapshot yet: its first open replays every line (timed
  // apart); then the page stores its latest checkpoint, and every later reload reads that
  // snapshot and the lines after it. Each reload waits for the page's background writes, as
  // a learner's session has them by the time they reload.
  await page.reload();
  await page.waitForFunction(() => window.__oeRestored !== undefined, null, { timeout: 120000 });
  const firstOpen = await page.evaluate(() => window.__oeRestored);
  await page.waitForTimeout(2000);
  for (let i = 0; i < RUNS; i += 1) {
    await page.reload();
    await page.waitForFunction(() => window.__oeRestored !== undefined, null, { timeout: 120000 });
    await page.waitForTimeout(1500);
    const { restored, marks } = await page.evaluate(() => ({
      restored: window.__oeRestored,
      marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
    }));
    samples.push(restored);
    phases.push({
      load: marks['oe:store-open-start'],
      open: marks['oe:store-open-end'] - marks['oe:store-open-start'],
      read: marks['oe:read-end'] - marks['oe:read-start'],
      replay: marks['oe:replay-end'] - marks['oe:read-end'],
      draw: restored - marks['oe:replay-end'],
    });
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(
    `restore a ${STEPS}-step session after reload (open IndexedDB, read the latest snapshot and the lines after it, draw): ` +
      `median ${median.toFixed(1)} ms, max ${samples[samples.length - 1].toFixed(1)} ms over ${RUNS} reloads (budget 300 ms); ` +
      `the first reload right after the import (before the page may have stored its snapshot): ${firstOpen.toFixed(1)} ms`,
  );
  const phaseMedian = (name) => {
    const values = phases.map((p) => p[name]).filter(Number.isFinite).sort((a, b) => a - b);
    return values.length ? values[Math.floor(values.length / 2)].toFixed(1) : 'n/a';
  };
  console.log(
    `  where it goes (medians): page and wasm loaded at ${phaseMedian('load')} ms, open IndexedDB ${phaseMedian('open')} ms, ` +
      `read the session ${phaseMedian('read')} ms, rebuild the world ${phaseMedian('replay')} ms, draw ${phaseMedian('draw')} ms`,
  );

  // Jumps along the timeline of the reloaded 10,000-step session (issue budget: ≤ 50 ms to
  // any step), once the page has rebuilt the checkpoints before the stored one in the
  // background. Each jump restores the nearest checkpoint and replays at most 500 lines.
  await page.waitForTimeout(5000);
  const jumps = await page.evaluate((n) => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const times = [];
    const targets = [n - 1, 499, 9_999, 1, 5_000, 9_499];
    for (let i = 0; i < 40; i += 1) targets.push(next() % (n + 1));
    for (const to of targets) {
      const t = performance.now();
      window.offsetExpress.jump(to);
      times.push(performance.now() - t);
    }
    window.offsetExpress.jump(n);
    return times.sort((a, b) => a - b);
  }, STEPS);
  const pick = (p) => jumps[Math.min(jumps.length - 1, Math.floor((jumps.length * p) / 100))];
  console.log(
    `jump to a step of the ${STEPS}-step session (restore the nearest checkpoint, replay): ` +
      `p50 ${pick(50).toFixed(1)} ms, p95 ${pick(95).toFixed(1)} ms, max ${jumps[jumps.length - 1].toFixed(1)} ms over ${jumps.length} jumps (budget 50 ms)`,
  );
} finally {
  await context.close();
}
