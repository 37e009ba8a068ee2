// Benchmark: time from navigation start to the first drawn compartment, in headless Chromium,
// against the built static site served on localhost (OE_BASE_URL). Prints p50/p95/max over
// fresh browser contexts (empty cache each time). Budget (DESIGN.md): ≤ 500 ms.
import { launch, BASE_URL } from '../e2e/browser.mjs';

const RUNS = Number(process.env.OE_BENCH_RUNS ?? 15);

// Records the moment the first compartment enters the DOM, measured on the page's own clock.
const OBSERVE_FIRST_RENDER = () => {
  const observer = new MutationObserver(() => {
    if (document.querySelector('.compartment')) {
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
for (let i = 0; i < RUNS; i += 1) {
  const { context } = await launch();
  try {
    const page = await context.newPage();
    await page.addInitScript(OBSERVE_FIRST_RENDER);
    await page.goto(BASE_URL);
    await page.waitForFunction(() => window.__oeFirstRender !== undefined);
    samples.push(await page.evaluate(() => window.__oeFirstRender));
  } finally {
    await context.close();
  }
}
samples.sort((a, b) => a - b);
const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(
  `first render after load: p50 ${fmt(percentile(samples, 50))}, p95 ${fmt(percentile(samples, 95))}, ` +
    `max ${fmt(samples[samples.length - 1])} over ${RUNS} cold loads (budget 500 ms)`,
);
