// Benchmark: time from navigation start to the first contentful paint (the static shell of
// index.html) and to the first compartment drawn by the app, in headless Chromium, against the
// built static site served on localhost (OE_BASE_URL). Prints p50/p95/max over fresh browser
// contexts (empty cache each time). Budget (DESIGN.md): first render ≤ 500 ms.
import { launch, BASE_URL } from '../e2e/browser.mjs';

const RUNS = Number(process.env.OE_BENCH_RUNS ?? 15);

// Records the moment the app's first compartment enters the DOM (the shell's outline of the
// train does not count), measured on the page's own clock.
const OBSERVE_FIRST_RENDER = () => {
  const observer = new MutationObserver(() => {
    if (document.querySelector('.compartment:not(#shell .compartment)')) {
      window.__oeFirstRender = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const samples = [];
const paints = [];
for (let i = 0; i < RUNS; i += 1) {
  const { context } = await launch();
  try {
    const page = await context.newPage();
    await page.addInitScript(OBSERVE_FIRST_RENDER);
    await page.goto(BASE_URL);
    await page.waitForFunction(() => window.__oeFirstRender !== undefined);
    samples.push(await page.evaluate(() => window.__oeFirstRender));
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    paints.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime));
  } finally {
    await context.close();
  }
}
samples.sort((a, b) => a - b);
paints.sort((a, b) => a - b);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(
  `first contentful paint: p50 ${fmt(percentile(paints, 50))}, p95 ${fmt(percentile(paints, 95))}, ` +
    `max ${fmt(paints[paints.length - 1])} over ${RUNS} cold loads`,
);
console.log(
  `first render after load: p50 ${fmt(percentile(samples, 50))}, p95 ${fmt(percentile(samples, 95))}, ` +
    `max ${fmt(samples[samples.length - 1])} over ${RUNS} cold loads (budget 500 ms)`,
);
