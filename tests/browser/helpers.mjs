// What the browser tests share: one Chromium per test file (the system's, driven by
// playwright-core), a fresh context and page per journey, and the ways a person reads and
// drives the page (the terminal's rows, the editor, the trees, the board picker).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// playwright-core is installed in web/node_modules (Node resolves ESM imports by path, not NODE_PATH).
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const url = process.env.COPPERHEAD_URL;
export const shots = join(root, 'target', 'screenshots');
export const fixtures = join(root, 'tests', 'browser', 'fixtures');
export const TIMEOUT = 20_000;
/** The server's virtual board. */
export const BOARD = 'virtual';

let browser;
const pageErrors = [];

/**
 * Starts Chromium before this file's tests and closes it after them; the last test checks
 * that no page raised an error.
 */
export function useBrowser() {
  before(async () => {
    assert.ok(url, 'COPPERHEAD_URL is not set: run this through `cargo xtask test`');
    mkdirSync(shots, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
  });
}

/** Removes the screenshots of earlier failures (once per run, by the first test file). */
export function clearFailures() {
  mkdirSync(shots, { recursive: true });
  for (const name of readdirSync(shots)) if (name.startsWith('failed-')) rmSync(join(shots, name));
}

/** Registers the test that no page of this file raised an error; call it last. */
export function noPageErrors() {
  test('the pages raised no errors', () => {
    assert.deepEqual(pageErrors, []);
  });
}

/**
 * A test that acts in a fresh context and page at the IDE (`options` as for `openIde`); when it
 * fails, the page as it was is saved as target/screenshots/failed-<n>.png.
 */
export function journey(name, options, body) {
  test(name, { timeout: 150_000 }, async () => {
    const { context, page } = await openIde(options);
    try {
      await body(page, context);
    } catch (error) {
      await page.screenshot({ path: join(shots, `failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}.png`) }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
}

/**
 * A fresh context and page at the IDE, with its errors collected. `isolated: false` serves
 * the page without its cross-origin isolation headers, as a page reached some other way
 * would be (no SharedArrayBuffer).
 */
export async function openIde({ width = 1400, height = 860, colorScheme = 'dark', bypassCSP = false, reducedMotion = 'no-preference', isolated = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion, acceptDownloads: true, bypassCSP });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  if (!isolated) {
    // The page's own files, without COOP and COEP (the API's answers pass untouched).
    await context.route((target) => !target.pathname.startsWith('/api/'), async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
  }
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const response = await page.goto(url);
  assert.equal(response?.status(), 200);
  await page.getByRole('tab', { name: /\.py/ }).first().waitFor();
  assert.equal(await page.evaluate(() => crossOriginIsolated), isolated);
  return { context, page };
}

/** The terminal's visible text, one line per row. */
export function terminalText(page) {
  return page.evaluate(() => {
    const rows = document.querySelector('#terminal .xterm-rows');
    if (!rows) return '';
    return Array.from(rows.children, (row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n');
  });
}

/** Waits until the terminal's text matches `pattern`. */
export async function waitForTerminal(page, pattern) {
  await page
    .waitForFunction(
      (source) => new RegExp(source, 'm').test(Array.from(document.querySelector('#terminal .xterm-rows')?.children ?? [], (r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n')),
      pattern.source,
      { timeout: TIMEOUT },
    )
    .catch(async (error) => {
      throw new Error(`the terminal never matched ${pattern}; it shows:\n${await terminalText(page)}\n(${error.message})`);
    });
}

/** Replaces the editor's text with `text`, as typed (without the editor's auto-indent). */
export async function setEditorText(page, text) {
  await page.getByRole('textbox', { name: 'Code editor' }).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The editor's text, line by line as shown (the test files are short enough to show whole). */
export function editorText(page) {
  return page.getByRole('textbox', { name: 'Code editor' }).evaluate((el) => Array.from(el.querySelectorAll('.cm-line'), (line) => line.textContent).join('\n'));
}

export async function chooseBoard(page, id) {
  await page.getByRole('combobox', { name: 'Board' }).selectOption(id);
}

export const tree = (page, name) => page.getByRole('tree', { name });
export const item = (page, treeName, name) => tree(page, treeName).getByRole('treeitem', { name, exact: true });
