// The IDE in a real browser: the system Chromium, driven by playwright-core, against a server
// that `cargo xtask test` (tier 8) starts and names in COPPERHEAD_URL. It types a program, runs
// it in the simulator and on the virtual board, checks the terminal both times, and saves
// target/screenshots/ide.png; then it stops a program running on the board, and watches a
// board added and removed through the API come and go in the picker.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// playwright-core is installed in web/node_modules (Node resolves ESM imports by path, not NODE_PATH).
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const url = process.env.COPPERHEAD_URL;
const TIMEOUT = 20_000;

let browser;
let page;
const pageErrors = [];

before(async () => {
  assert.ok(url, 'COPPERHEAD_URL is not set: run this through `cargo xtask test`');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
});

/** The terminal's visible text, one line per row. */
function terminalText() {
  return page.evaluate(() => {
    const rows = document.querySelector('#terminal .xterm-rows');
    if (!rows) return '';
    return Array.from(rows.children, (row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n');
  });
}

/** Waits until some terminal line is exactly `line`. */
async function waitForLine(line) {
  await page.waitForFunction(
    (wanted) => {
      const rows = document.querySelector('#terminal .xterm-rows');
      return !!rows && Array.from(rows.children).some((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trim() === wanted);
    },
    line,
    { timeout: TIMEOUT },
  ).catch(async (error) => {
    throw new Error(`the terminal never showed the line ${JSON.stringify(line)}; it shows:\n${await terminalText()}\n(${error.message})`);
  });
}

test('the page loads with its controls', { timeout: 60_000 }, async () => {
  const response = await page.goto(url);
  assert.equal(response?.status(), 200);
  assert.equal(await page.title(), 'Copperhead');
  await page.getByRole('button', { name: 'Run in simulator', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Run on board', exact: true }).waitFor();
  await page.locator('#board-select').waitFor();
  await page.locator('#terminal .xterm-rows').waitFor();
});

test('a program runs in the simulator', { timeout: 60_000 }, async () => {
  const editor = page.locator('#editor .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('print(6*7)');
  assert.equal(await editor.evaluate((el) => el.innerText.trim()), 'print(6*7)');

  await page.getByRole('button', { name: 'Run in simulator', exact: true }).click();
  await waitForLine('42');
});

test('the same program runs on the virtual board', { timeout: 60_000 }, async () => {
  await page.getByRole('button', { name: 'Clear terminal' }).click();
  await page.waitForFunction(() => !/\b42\b/.test(document.querySelector('#terminal .xterm-rows')?.textContent ?? ''));

  const boards = await page.evaluate(async () => (await fetch('/api/boards')).json());
  const virtual = boards.find((board) => board.kind === 'virtual');
  assert.ok(virtual, `GET /api/boards lists no virtual board: ${JSON.stringify(boards)}`);
  await page.locator('#board-select').selectOption(virtual.id);

  const run = page.getByRole('button', { name: 'Run on board', exact: true });
  await run.click();
  await waitForLine('42');
  // The button comes back once the board has answered.
  await page.waitForFunction(() => !document.querySelector('#run-board')?.disabled);

  mkdirSync(join(root, 'target', 'screenshots'), { recursive: true });
  await page.screenshot({ path: join(root, 'target', 'screenshots', 'ide.png') });
});

/** Waits until the terminal's text matches `pattern`. */
async function waitForText(pattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('#terminal .xterm-rows')?.textContent ?? ''),
    pattern.source,
    { timeout: TIMEOUT },
  ).catch(async (error) => {
    throw new Error(`the terminal never matched ${pattern}; it shows:\n${await terminalText()}\n(${error.message})`);
  });
}

test('a board run streams its output, and Stop interrupts it', { timeout: 60_000 }, async () => {
  await page.getByRole('button', { name: 'Clear terminal' }).click();
  const editor = page.locator('#editor .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type("import time\nprint('tick')\ntime.sleep(60)");
  await page.getByRole('button', { name: 'Run on board', exact: true }).click();
  // The line arrives while the program still runs.
  await waitForLine('tick');
  assert.equal(await page.locator('#run-board').isDisabled(), true);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await waitForText(/KeyboardInterrupt/);
  await page.waitForFunction(() => !document.querySelector('#run-board')?.disabled);
  assert.match(await page.getByTestId('status').textContent(), /KeyboardInterrupt/);
});

test('a board that comes and goes shows up in the picker by itself', { timeout: 60_000 }, async () => {
  const fs = mkdtempSync(join(tmpdir(), 'copperhead-browser-board-'));
  const board = spawn(join(root, 'target', 'debug', 'copperhead-board'), ['--tcp', '127.0.0.1:0', '--fs', fs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const addr = await new Promise((resolve, reject) => {
      board.stdout.once('data', (chunk) => resolve(String(chunk).trim()));
      board.once('error', reject);
    });
    const options = () => page.locator('#board-select option').evaluateAll((all) => all.map((o) => o.value));
    const added = await page.evaluate(async (port) => {
      const response = await fetch('/api/boards', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ port }),
      });
      return response.json();
    }, `socket://${addr}`);
    assert.ok(added.id, JSON.stringify(added));
    // No click on Refresh: the server's events bring it.
    await page.waitForFunction((id) => [...document.querySelectorAll('#board-select option')].some((o) => o.value === id), added.id);
    await page.evaluate(async (id) => fetch(`/api/boards/${id}`, { method: 'DELETE' }), added.id);
    await page.waitForFunction((id) => ![...document.querySelectorAll('#board-select option')].some((o) => o.value === id), added.id);
    assert.ok((await options()).includes('virtual'));
  } finally {
    board.kill();
    rmSync(fs, { recursive: true, force: true });
  }
});

test('the page raised no errors', () => {
  assert.deepEqual(pageErrors, []);
});
