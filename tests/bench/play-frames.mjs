// Benchmark: the sandbox playing at top speed, in headless Chromium against the built site
// (OE_BASE_URL). The scene: 12 partitions, 3 groups × 4 consumers running their poll loops,
// 3 producers sending on their own. The page plays at 16× virtual time for a while; every
// animation frame is timed in the page:
// - frame work: from the start of the frame's requestAnimationFrame callbacks until the task
//   that ran them (the tick, the reducer and Yew's render) and its microtasks are done;
// - frame interval: between consecutive frames (a dropped frame shows as ~33 ms).
// Budget (DESIGN.md): p95 frame ≤ 16.7 ms.
//
// Then memory: the same scene played for 10 and then 60 minutes of virtual time (through
// `offsetExpress.play(ms)`, the play button's own tick path), with retention on, reporting
// the wasm heap and the stored session (its lines) after each: the second may not be much
// larger than the first.
import { launch, BASE_URL } from '../e2e/browser.mjs';

const SECONDS = Number(process.env.OE_BENCH_PLAY_SECONDS ?? 10);

export const SCENE = [
  'kafka-topics --create --topic payments --partitions 12 --config retention.ms=60000 --config segment.ms=10000',
  ...[1, 2, 3].map((p) => `producer p${p} linger.ms=5`),
  ...[1, 2, 3].map((p) => `run p${p} --topic payments --rate 20 --keys 16`),
  ...[1, 2, 3].flatMap((g) =>
    [1, 2, 3, 4].flatMap((c) => [
      `consumer g${g}c${c} group.id=team-${g} enable.auto.commit=false auto.offset.reset=earliest`,
      `subscribe g${g}c${c} payments`,
      `run g${g}c${c} --commit sync-per-batch --process-ms 5`,
    ]),
  ),
].join('\n');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const { context } = await launch();
try {
  const page = await context.newPage();
  await page.goto(BASE_URL);
  await page.waitForSelector('[data-testid="session-status"].session-saved');
  await page.evaluate((scene) => window.offsetExpress.runScript(scene), SCENE);

  // Frames while playing at the top speed.
  await page.selectOption('[data-testid="speed"]', { index: (await page.locator('[data-testid="speed"] option').count()) - 1 });
  await page.evaluate(() => {
    window.__oeFrames = { work: [], interval: [] };
    let last = null;
    const channel = new MessageChannel();
    let started = 0;
    channel.port1.onmessage = () => window.__oeFrames.work.push(performance.now() - started);
    const frame = (now) => {
      if (last !== null) window.__oeFrames.interval.push(now - last);
      last = now;
      started = performance.now();
      channel.port2.postMessage(0);
      if (window.__oeFrames.running) requestAnimationFrame(frame);
    };
    window.__oeFrames.running = true;
    requestAnimationFrame(frame);
  });
  await page.click('[data-testid="play"]');
  const clockBefore = await page.evaluate(() => window.offsetExpress.state().now_ms);
  await page.waitForTimeout(SECONDS * 1000);
  await page.click('[data-testid="play"]');
  const clockAfter = await page.evaluate(() => window.offsetExpress.state().now_ms);
  const frames = await page.evaluate(() => {
    window.__oeFrames.running = false;
    return window.__oeFrames;
  });
  const work = [...frames.work].sort((a, b) => a - b);
  const interval = [...frames.interval].sort((a, b) => a - b);
  console.log(
    `play at top speed, 12 partitions, 3 groups × 4 consumers, 3 producers, ${SECONDS} s: ` +
      `${work.length} frames; frame work p50 ${percentile(work, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(work, 95).toFixed(1)} ms; frame interval p95 ${percentile(interval, 95).toFixed(1)} ms ` +
      `(budget p95 16.7 ms); virtual time played ${((clockAfter - clockBefore) / 1000).toFixed(1)} s`,
  );

  // Memory over a long played session.
  const measure = () =>
    page.evaluate(() => ({
      heap: window.offsetExpress.memoryBytes(),
      lines: window.offsetExpress.log().length,
      stored: window.offsetExpress.log().reduce((n, l) => n + l.length + 1, 0),
    }));
  await page.evaluate(() => window.offsetExpress.play(10 * 60 * 1000));
  const ten = await measure();
  await page.evaluate(() => window.offsetExpress.play(50 * 60 * 1000));
  const sixty = await measure();
  const mb = (b) => (b / 1048576).toFixed(1);
  console.log(
    `long play with retention on: after 10 min of virtual time wasm heap ${mb(ten.heap)} MB, ` +
      `session ${ten.lines} lines (${ten.stored} bytes); after 60 min heap ${mb(sixty.heap)} MB, ` +
      `session ${sixty.lines} lines (${sixty.stored} bytes)`,
  );
} finally {
  await context.close();
}
