// How long the IDE takes to become usable in headless Chromium: `node bench/page.mjs URL [ROUNDS]`
// against a running server (`cargo xtask bench page` starts one and prints a table of this
// script's JSON).
//
// Each round opens a fresh browser context (an empty cache), loads URL (cold), then reloads it
// in the same context (warm: the content-hashed assets come from the cache). Every figure is
// the page's own clock, `performance.now()` from navigation start, taken inside the page:
//
// - editable: the first animation frame at which the editor's content element
//   (`.cm-content`, contenteditable, "Code editor") and the first file tab (a `role=tab` in
//   the "Open files" tablist, not the output panels' tabs) are both rendered (`tab` is its text);
// - simulator: when the Simulator's worker shows its banner (its board is up);
// - simulatorBoot: from that worker's creation to its banner, as the page sees it (its main
//   thread, busy loading, may take the message late);
// - workerBoot: from the worker's start to its banner, by the worker's own clock (the first
//   output carries it);
// - firstContentfulPaint, domContentLoaded, load: from the browser's own timing entries.
//
// A script injected before the page's own (`addInitScript`) watches for these moments, so the
// figures carry none of Playwright's round trips; `waitForFunction` only waits for them to be
// set. One unmeasured round first warms the browser up. The first measured cold load also
// lists what crossed the wire (Resource Timing: encoded body sizes and content-encodings).
// Progress goes to stderr; stdout is one JSON document.

import { chromium } from '../web/node_modules/playwright-core/index.mjs';

const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT = 60_000;
const VIEWPORT = { width: 1400, height: 860 };

const [url, roundsText = '5'] = process.argv.slice(2);
const rounds = Number(roundsText);
if (!url || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node bench/page.mjs URL [ROUNDS]   (ROUNDS a positive integer, default 5)');
  process.exit(2);
}

/** Runs in the page before any of its scripts, on every load: sets `window.__pageBench`. */
function watch() {
  const marks = (window.__pageBench = {});
  const shown = (element) => element !== null && element.getClientRects().length > 0;
  const frame = () => {
    const editor = document.querySelector('.cm-content[contenteditable="true"][aria-label="Code editor"]');
    const tab = document.querySelector('[role="tablist"][aria-label="Open files"] [role="tab"]');
    if (shown(editor) && shown(tab)) {
      marks.editable = performance.now();
      marks.tab = tab.textContent.trim();
    } else {
      requestAnimationFrame(frame);
    }
  };
  requestAnimationFrame(frame);

  // The Simulator's worker: when it is made, and its first console output (the board's
  // banner); listen beside the page's own handler.
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(scriptUrl, options) {
      super(scriptUrl, options);
      if (options?.name !== 'copperhead-simulator') return;
      marks.simulatorStart ??= performance.now();
      const banner = (event) => {
        if (event.data?.type !== 'output') return;
        marks.simulator ??= performance.now();
        marks.simulatorBoot ??= marks.simulator - marks.simulatorStart;
        marks.workerBoot ??= event.data.bootMs ?? null;
        this.removeEventListener('message', banner);
      };
      this.addEventListener('message', banner);
    }
  };
}

/** Waits for the marks of the load just started and reads the browser's timing entries. */
async function measure(page) {
  const mark = (name) =>
    page
      .waitForFunction((key) => window.__pageBench?.[key], name, { polling: 'raf', timeout: TIMEOUT })
      .then((handle) => handle.jsonValue());
  const editable = await mark('editable');
  const tab = await page.evaluate(() => window.__pageBench.tab);
  // The simulator is optional: a page whose worker never gets ready still has an editor.
  const simulator = await mark('simulator').catch(() => null);
  await page.waitForLoadState('load');
  const entries = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      firstContentfulPaint: paint?.startTime ?? null,
      domContentLoaded: navigation?.domContentLoadedEventEnd ?? null,
      load: navigation?.loadEventEnd ?? null,
    };
  });
  // Let the caches settle (the second worker's wasm, the stylesheet) before anything reloads.
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
  const { simulatorBoot, workerBoot } = simulator === null ? {} : await page.evaluate(() => window.__pageBench);
  return { editable, tab, simulator, simulatorBoot, workerBoot, ...entries };
}

/**
 * What the load just measured fetched, from the Resource Timing entries of the page and of each
 * of its workers (the workers fetch the wasm): path, who fetched it, bytes over the wire (the
 * encoded body; 0 when it came from the cache), the decoded body and the content-encoding.
 */
async function transferOf(page) {
  const entries = () =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((entry) => ({
      path: new URL(entry.name).pathname,
      bytes: entry.transferSize > 0 ? entry.encodedBodySize : 0,
      decoded: entry.decodedBodySize,
      encoding: entry.contentEncoding || null,
    }));
  const files = (await page.evaluate(entries)).map((file) => ({ by: 'page', ...file }));
  for (const worker of page.workers()) {
    const name = new URL(worker.url()).pathname.replace(/^\//, '');
    // The Simulator's worker blocks on its link (Atomics.wait) and cannot be asked; the wasm
    // it loads is the one the language worker loads.
    if (/^worker-/.test(name)) continue;
    const fetched = await worker.evaluate(entries).catch(() => []);
    files.push(...fetched.map((file) => ({ by: name, ...file })));
  }
  return { requests: files.length, bytes: files.reduce((sum, file) => sum + file.bytes, 0), files };
}

/** One round: a cold load in a fresh context, then a warm reload; the transfer if asked. */
async function round(browser, withTransfer) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark' });
  try {
    await context.addInitScript(watch);
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(url, { waitUntil: 'commit' });
    if (response?.status() !== 200) throw new Error(`GET ${url} answered ${response?.status()}`);
    const cold = await measure(page);
    const wire = withTransfer ? await transferOf(page) : null;
    await page.reload({ waitUntil: 'commit' });
    const warm = await measure(page);
    if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    return { cold, warm, transfer: wire };
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  console.error(`page bench: ${url}, Chromium ${browser.version()}, a warm-up round and ${rounds} measured`);
  await round(browser, false);
  const cold = [];
  const warm = [];
  let transfer = null;
  for (let i = 0; i < rounds; i++) {
    const result = await round(browser, i === 0);
    cold.push(result.cold);
    warm.push(result.warm);
    transfer ??= result.transfer;
    const ms = (value) => (value === null ? '-' : `${value.toFixed(0)} ms`);
    console.error(`  round ${i + 1}: editable cold ${ms(result.cold.editable)}, warm ${ms(result.warm.editable)}`);
  }
  const output = { url, chromium: browser.version(), rounds, viewport: VIEWPORT, cold, warm, transfer };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
} finally {
  await browser.close();
}
