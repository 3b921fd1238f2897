// The IDE in a real browser: the system Chromium, driven by playwright-core, against a server
// that `cargo xtask test` starts with a project and a board filesystem made fresh from
// tests/browser/fixtures, and names in COPPERHEAD_URL. Each journey acts only through what a
// person sees: roles and accessible names, typing, clicks, drag and drop, keyboard shortcuts.
// The journeys run in order on one server; each has a fresh browser context (fresh storage).
// Screenshots of the whole page land in target/screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { BOARD, chooseBoard, clearFailures, editorText, fixtures, item, journey, noPageErrors, openIde, root, setEditorText, shots, terminalText, tree, useBrowser, waitForTerminal } from './helpers.mjs';

clearFailures();
useBrowser();

/** Bytes of a board file, read through the API. */
async function boardFile(page, path) {
  return page.evaluate(async ([board, p]) => {
    const response = await fetch(`/api/boards/${board}/fs/file?path=${encodeURIComponent(p)}`);
    if (!response.ok) throw new Error(`${p}: ${response.status} ${await response.text()}`);
    return Array.from(new Uint8Array(await response.arrayBuffer()));
  }, [BOARD, path]);
}

/** Deterministic "random" bytes, the same in Node and in the page. */
const PSEUDO_RANDOM = `(n) => { const out = new Uint8Array(n); let x = 2463534242; for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x & 255; } return out; }`;
const pseudoRandom = eval(PSEUDO_RANDOM);

journey('the page uses only routes the server documents', {}, async (page) => {
  const spec = await page.evaluate(async () => (await fetch('/api/openapi.json')).json());
  const source = readFileSync(join(root, 'web', 'src', 'api.ts'), 'utf8');
  const routes = [...source.slice(source.indexOf('export const ROUTES'), source.indexOf('] as const')).matchAll(/'(GET|PUT|POST|DELETE) ([^']+)'/g)];
  assert.ok(routes.length > 15, 'api.ts lists its routes');
  for (const [, method, path] of routes) {
    assert.ok(spec.paths[path]?.[method.toLowerCase()], `${method} ${path} is not in /api/openapi.json`);
  }
  // The page is served compressed, with a content security policy and cross-origin isolation.
  const headers = await page.evaluate(async () => {
    const r = await fetch('/');
    return Object.fromEntries(r.headers.entries());
  });
  assert.match(headers['content-security-policy'] ?? '', /default-src 'self'/);
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
});

journey('journey 1: a program runs in the simulator, and its traceback leads to the line', {}, async (page) => {
  assert.equal(await page.getByRole('combobox', { name: 'Board' }).inputValue(), 'simulator');
  // A first visit opens the project's main.py.
  await page.getByRole('tab', { name: /^main\.py, project/ }).waitFor();

  // As you type: completion of a module's names from the VM, and syntax errors in MicroPython's words.
  await setEditorText(page, 'import machine\nled = machine.P');
  await page.keyboard.press('Control+Space');
  const completions = page.getByRole('listbox', { name: 'Completions' });
  await completions.getByRole('option', { name: /^PWM/ }).waitFor();
  await completions.getByRole('option', { name: 'Pin', exact: true }).click();
  assert.equal(await editorText(page), 'import machine\nled = machine.Pin');
  await setEditorText(page, 'def broken(:\n    pass\n');
  await page.locator('.cm-lintRange-error').first().waitFor();
  await page.keyboard.press('ControlOrMeta+Shift+M');
  await page.getByRole('listbox', { name: 'Diagnostics' }).getByText('SyntaxError: invalid syntax').waitFor();

  await setEditorText(page, 'def divide(x):\n    return 1 / x\n\nprint("before", 6 * 7)\ndivide(0)\n');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForTerminal(page, /^before 42$/);
  await waitForTerminal(page, /^ZeroDivisionError: divide by zero$/);
  // The failing line is marked, and the status says what happened.
  await page.locator('.cm-error-line[data-error-line="2"]').waitFor();
  await page.getByRole('status').filter({ hasText: 'ZeroDivisionError' }).waitFor();

  // Move the cursor away, then click the traceback's frame: the cursor goes to line 2.
  await page.getByText('divide(0)', { exact: true }).click();
  const frame = page.locator('#terminal .xterm-rows span', { hasText: /File\s"main\.py",\sline\s2\b/ }).first();
  // Point at the word "File" of the frame, as a person would, then click the link.
  const box = await frame.boundingBox();
  await page.mouse.move(box.x + 40, box.y + box.height / 2);
  await page.waitForTimeout(300);
  await page.mouse.click(box.x + 40, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('.cm-activeLine')?.textContent === '    return 1 / x');
});

journey('journey 2: a project file is saved to the board, runs there and stops; the project syncs', {}, async (page) => {
  await chooseBoard(page, BOARD);
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();

  await item(page, 'Project files', 'blink.py').dblclick();
  await page.getByRole('tab', { name: /^blink\.py, project/ }).waitFor();
  await page.getByRole('textbox', { name: 'Code editor' }).click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.insertText('print("edited in the page")\n');
  await page.getByRole('tab', { name: /^blink\.py, project, unsaved/ }).waitFor();
  const text = await editorText(page);

  await page.getByRole('button', { name: 'Save to board' }).click();
  const onBoard = item(page, 'Board files', 'blink.py');
  await onBoard.waitFor();
  const size = Buffer.byteLength(text);
  await onBoard.filter({ hasText: `${size} B` }).waitFor();
  assert.deepEqual(Buffer.from(await boardFile(page, '/blink.py')).toString(), text);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForTerminal(page, /^edited in the page$/);
  await waitForTerminal(page, /^blink start$/);
  assert.equal(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled(), true);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await waitForTerminal(page, /KeyboardInterrupt/);
  await page.getByRole('button', { name: 'Run', exact: true }).and(page.locator(':enabled')).waitFor();

  // Sync: the preview lists exactly what differs, then only that is sent.
  await page.getByRole('button', { name: 'Sync project…' }).click();
  const dialog = page.getByRole('dialog', { name: /Sync project to/ });
  await dialog.waitFor();
  const listed = async (name) => (await dialog.getByRole('list', { name }).count()) ? (await dialog.getByRole('list', { name }).locator('.sync-path').allTextContents()).sort() : [];
  assert.deepEqual(await listed('New'), ['/data/config.json', '/lib/helpers.py', '/lib/sub/deep.txt', '/main.py']);
  assert.deepEqual(await listed('Changed'), ['/blink.py']);
  assert.deepEqual(await listed('Unchanged'), []);
  assert.deepEqual(await listed('Only on the board'), ['/old.txt']);
  await dialog.getByRole('button', { name: 'Upload 5 files' }).click();
  const done = page.getByRole('dialog', { name: 'Sync done' });
  await done.waitFor();
  // The soft reset it offers runs the new main.py, and its output shows in the terminal.
  await done.getByRole('button', { name: 'Soft reset to run main.py' }).click();
  await waitForTerminal(page, /^main\.py ran$/);
  for (const path of ['blink.py', 'main.py', 'lib/helpers.py', 'lib/sub/deep.txt', 'data/config.json']) {
    const expected = readFileSync(join(fixtures, 'project', path));
    assert.deepEqual(Buffer.from(await boardFile(page, `/${path}`)), expected, `/${path} on the board`);
  }
  // A program run on the board reads what is typed in the terminal.
  await setEditorText(page, 'name = input("name? ")\nprint("hello", name)\n');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForTerminal(page, /^name\?$/);
  await page.locator('#terminal').click();
  await page.keyboard.type('Ada');
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /^hello Ada$/);
  await page.getByRole('status').filter({ hasText: 'Virtual board: finished' }).waitFor();

  // The file operations in between never flood the REPL with prompts.
  assert.doesNotMatch(await terminalText(page), /^>>>\n>>>$/m);
  await page.screenshot({ path: join(shots, 'journey2-board.png') });
});

journey('journey 3: files on the board: folder, drop, rename, edit, download, delete', {}, async (page) => {
  await chooseBoard(page, BOARD);
  await tree(page, 'Board files').getByRole('treeitem').first().waitFor();

  await page.getByRole('button', { name: 'New folder on board' }).click();
  await page.getByRole('textbox', { name: 'New folder name' }).fill('upload-test');
  await page.keyboard.press('Enter');
  const folder = item(page, 'Board files', 'upload-test');
  await folder.waitFor();

  // Two files dropped from the desktop onto the folder: one binary of 100 KB, one text.
  const note = 'notes from the desktop\nline two\n';
  const dropped = await page.evaluateHandle(
    ([make, text]) => {
      const bytes = eval(make)(100 * 1024);
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'data.bin', { type: 'application/octet-stream' }));
      data.items.add(new File([text], 'notes.txt', { type: 'text/plain' }));
      return data;
    },
    [PSEUDO_RANDOM, note],
  );
  const row = folder.locator('.tree-row').first();
  await row.dispatchEvent('dragenter', { dataTransfer: dropped });
  await row.dispatchEvent('dragover', { dataTransfer: dropped });
  await row.dispatchEvent('drop', { dataTransfer: dropped });
  await page.getByRole('status').filter({ hasText: 'Uploaded 2 files' }).waitFor({ timeout: 60_000 });
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await row.click();
  await item(page, 'Board files', 'data.bin').filter({ hasText: '100.0 KB' }).waitFor();
  assert.deepEqual(Buffer.from(await boardFile(page, '/upload-test/data.bin')), Buffer.from(pseudoRandom(100 * 1024)));

  // Rename the binary with F2, in place.
  await item(page, 'Board files', 'data.bin').click();
  await page.keyboard.press('F2');
  await page.getByRole('textbox', { name: 'New name for data.bin' }).fill('firmware.bin');
  await page.keyboard.press('Enter');
  await item(page, 'Board files', 'firmware.bin').waitFor();
  assert.equal(await item(page, 'Board files', 'data.bin').count(), 0);

  // Renaming onto a name that is taken asks first; a new file never replaces one.
  await item(page, 'Board files', 'notes.txt').click();
  await page.keyboard.press('F2');
  await page.getByRole('textbox', { name: 'New name for notes.txt' }).fill('firmware.bin');
  await page.keyboard.press('Enter');
  const replace = page.getByRole('dialog', { name: 'Replace firmware.bin?' });
  await replace.waitFor();
  await page.keyboard.press('Enter'); // the safe choice has the focus
  await replace.waitFor({ state: 'detached' });
  await item(page, 'Board files', 'notes.txt').waitFor();
  await page.getByRole('button', { name: 'New file on board' }).click();
  await page.getByRole('textbox', { name: 'New file name' }).fill('notes.txt');
  await page.keyboard.press('Enter');
  const refused = page.getByRole('dialog', { name: 'Cannot create notes.txt' });
  await refused.getByText('/upload-test/notes.txt already exists on Virtual board.').waitFor();
  await refused.getByRole('button', { name: 'OK' }).click();
  assert.equal(Buffer.from(await boardFile(page, '/upload-test/notes.txt')).toString(), note);
  assert.equal((await boardFile(page, '/upload-test/firmware.bin')).length, 100 * 1024);

  // Open the text file, edit it, save it with Ctrl+S.
  await item(page, 'Board files', 'notes.txt').dblclick();
  await page.getByRole('tab', { name: /^notes\.txt, Virtual board/ }).waitFor();
  await page.getByRole('textbox', { name: 'Code editor' }).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('added in the editor\n');
  await page.keyboard.press('ControlOrMeta+S');
  await page.getByRole('tab', { name: /^notes\.txt, Virtual board/ }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Saved /upload-test/notes.txt' }).waitFor();
  const edited = `${note}added in the editor\n`;
  assert.equal(Buffer.from(await boardFile(page, '/upload-test/notes.txt')).toString(), edited);

  // Download it from its menu and compare the bytes.
  await item(page, 'Board files', 'notes.txt').click();
  await page.keyboard.press('Shift+F10');
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Download', exact: true }).click();
  const download = await downloading;
  assert.equal(download.suggestedFilename(), 'notes.txt');
  assert.equal(readFileSync(await download.path(), 'utf8'), edited);

  // Drag a project file onto the board's folder, and a board file onto the project.
  await item(page, 'Project files', 'blink.py').dragTo(folder.locator('.tree-row').first());
  await page.getByRole('status').filter({ hasText: /Uploaded 1 file .* to Virtual board/ }).waitFor();
  assert.deepEqual(Buffer.from(await boardFile(page, '/upload-test/blink.py')), readFileSync(join(fixtures, 'project', 'blink.py')));
  const projectArea = page.locator('.tree-wrap', { has: tree(page, 'Project files') });
  const area = await projectArea.boundingBox();
  await item(page, 'Board files', 'notes.txt').dragTo(projectArea, { targetPosition: { x: 60, y: area.height - 12 } });
  await item(page, 'Project files', 'notes.txt').waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/api/workspace/file?path=notes.txt')).text()), edited);

  // The whole folder downloads as a .zip that another tool (Python's zipfile) reads back.
  await folder.locator('.tree-row').first().click();
  await page.keyboard.press('Shift+F10');
  const zipping = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Download as .zip' }).click();
  const archive = await zipping;
  assert.equal(archive.suggestedFilename(), 'upload-test.zip');
  const listing = JSON.parse(
    execFileSync('python3', ['-c', 'import hashlib, json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))', await archive.path()], { encoding: 'utf8' }),
  );
  const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
  assert.deepEqual(listing, {
    'upload-test/blink.py': sha(readFileSync(join(fixtures, 'project', 'blink.py'))),
    'upload-test/firmware.bin': sha(pseudoRandom(100 * 1024)),
    'upload-test/notes.txt': sha(edited),
  });
  if ((await folder.getAttribute('aria-expanded')) === 'true') await folder.locator('.tree-row').first().click();

  // Delete the folder, confirmed.
  await folder.locator('.tree-row').first().click();
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('dialog', { name: 'Delete upload-test?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await folder.waitFor({ state: 'detached' });
  const left = await page.evaluate(async (board) => (await fetch(`/api/boards/${board}/fs?path=/`)).json(), BOARD);
  assert.ok(!left.some((e) => e.name === 'upload-test'), JSON.stringify(left));
});

journey('journey 4: the terminal is the board REPL', {}, async (page) => {
  await chooseBoard(page, BOARD);
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  await page.locator('#terminal').click();
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /^>>> $|^>>>$/);
  await page.keyboard.type('1+1');
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /^2$/);
  await page.keyboard.type('while True: pass');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+C');
  await waitForTerminal(page, /^KeyboardInterrupt: ?$/);
  await page.keyboard.type('print("still here")');
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /^still here$/);
  // Pasting several lines goes through paste mode, so the board's auto-indent leaves them be.
  await page.evaluate(() => navigator.clipboard.writeText('def twice(x):\n    if x:\n        return 2 * x\n    return 0\n\nprint("twice", twice(21))\n'));
  await page.keyboard.press('ControlOrMeta+V');
  await waitForTerminal(page, /^twice 42$/);
  // Ctrl keys belong to the board while the terminal has the keyboard: Ctrl-B is the board's
  // (it prints its banner), not the page's "hide the files".
  await page.keyboard.press('Control+B');
  await waitForTerminal(page, /^MicroPython .*Copperhead/);
  assert.equal(await page.getByRole('button', { name: 'Files', exact: true }).getAttribute('aria-pressed'), 'true');
});

journey('journey 5: numbers printed in a loop are plotted', {}, async (page) => {
  await setEditorText(page, 'import math\nfor i in range(60):\n    print(math.sin(i / 5), math.cos(i / 5))\nprint("done after", 60, "rows")\n');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Simulator: finished' }).waitFor();
  await page.getByRole('tab', { name: 'Plotter' }).click();
  // 60 rows of two columns; the closing line of words is not plotted.
  await page.waitForFunction(() => document.getElementById('plot')?.dataset.points === '60');
  assert.equal(await page.locator('#plot').getAttribute('data-series'), '2');
  await page.getByText('2 series · 60 points').waitFor();
  await page.locator('#plot canvas').first().waitFor();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = readFileSync(await (await downloading).path(), 'utf8').trim().split('\n');
  assert.equal(csv.length, 61);
  assert.equal(csv[1].split(',').length, 3);
});

journey('journey 6: open tabs and unsaved buffers survive a reload', {}, async (page) => {
  await item(page, 'Project files', 'lib').click();
  await item(page, 'Project files', 'helpers.py').dblclick();
  await page.getByRole('tab', { name: /^helpers\.py, project/ }).waitFor();
  await item(page, 'Project files', 'blink.py').dblclick();
  await page.getByRole('textbox', { name: 'Code editor' }).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('# not saved yet\n');
  await page.getByRole('tab', { name: /^blink\.py, project, unsaved/ }).waitFor();
  await page.waitForTimeout(600);
  await page.reload();
  await page.getByRole('tab', { name: /^helpers\.py, project/ }).waitFor();
  await page.getByRole('tab', { name: /^blink\.py, project, unsaved/ }).waitFor();
  assert.match(await editorText(page), /# not saved yet\n$/);
  // The project file itself is untouched.
  const onDisk = await page.evaluate(async () => (await fetch('/api/workspace/file?path=blink.py')).text());
  assert.ok(!onDisk.includes('not saved yet'));

  // The theme is remembered too.
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await page.reload();
  await page.getByRole('button', { name: 'Switch to dark theme' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');

  // Closing a tab with unsaved changes asks first.
  await page.getByRole('tab', { name: /^blink\.py, project, unsaved/ }).click();
  await page.keyboard.press('Alt+W');
  const ask = page.getByRole('dialog', { name: 'Save blink.py?' });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('tab', { name: /^blink\.py, project, unsaved/ }).waitFor();
  await page.keyboard.press('Alt+W');
  await ask.getByRole('button', { name: "Don't save" }).click();
  await page.getByRole('tab', { name: /^blink\.py/ }).waitFor({ state: 'detached' });
});

journey('a board on a slow line: it comes and goes in the picker, and a long upload shows progress and cancels', {}, async (page) => {
  const fs = mkdtempSync(join(tmpdir(), 'copperhead-browser-board-'));
  const board = spawn(join(root, 'target', 'debug', 'copperhead-board'), ['--tcp', '127.0.0.1:0', '--fs', fs, '--baud', '38400'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const addr = await new Promise((resolve, reject) => {
      board.stdout.once('data', (chunk) => resolve(String(chunk).trim()));
      board.once('error', reject);
    });
    const added = await page.evaluate(async (port) => (await fetch('/api/boards', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ port }) })).json(), `socket://${addr}`);
    assert.ok(added.id, JSON.stringify(added));
    // No click on anything: the server's events bring it, with its connection state.
    const picker = page.getByRole('combobox', { name: 'Board' });
    await picker.locator(`option[value="${added.id}"]`).waitFor({ state: 'attached' });
    await picker.selectOption(added.id);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByText('No files yet. Drop files here, or use New file.').waitFor();

    const dropped = await page.evaluateHandle((make) => {
      const data = new DataTransfer();
      data.items.add(new File([eval(make)(48 * 1024)], 'big.bin'));
      return data;
    }, PSEUDO_RANDOM);
    const target = page.locator('.side-panel', { has: tree(page, 'Board files') }).locator('.tree-wrap');
    await target.dispatchEvent('drop', { dataTransfer: dropped });
    const progress = page.getByRole('progressbar', { name: 'Transfer progress' });
    await page.waitForFunction(() => Number(document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')) > 0, null, { timeout: 30_000 });
    assert.match(await page.locator('.transfer-rate').textContent(), /\d+% · [\d.]+ (B|KB)\/s/);
    // The terminal says why the board's REPL is quiet.
    await page.getByText(/: busy \(uploading to /).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: 30_000 });
    await progress.waitFor({ state: 'hidden' });
    const listing = await page.evaluate(async (id) => (await fetch(`/api/boards/${id}/fs?path=/`)).json(), added.id);
    assert.deepEqual(listing.map((e) => e.name), [], 'a cancelled upload leaves nothing behind');

    await page.evaluate(async (id) => fetch(`/api/boards/${id}`, { method: 'DELETE' }), added.id);
    await picker.locator(`option[value="${added.id}"]`).waitFor({ state: 'detached' });
    assert.equal(await picker.inputValue(), 'simulator');
  } finally {
    board.kill();
    rmSync(fs, { recursive: true, force: true });
  }
});

journey('journey 7: no serious or critical accessibility violations with each panel open', { bypassCSP: true, reducedMotion: 'reduce' }, async (page) => {
  // (Reduced motion: colours are audited as they stand, not halfway through a transition.)
  await page.addScriptTag({ path: join(root, 'web', 'node_modules', 'axe-core', 'axe.min.js') });
  const audit = async (state) => {
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
    });
    assert.deepEqual(result, [], `${state}: ${result.join('\n')}`);
  };
  await chooseBoard(page, BOARD);
  await item(page, 'Board files', 'lib').waitFor();
  await audit('board chosen, terminal');
  await item(page, 'Project files', 'blink.py').dblclick();
  await page.getByRole('tab', { name: 'Plotter' }).click();
  await audit('plotter');
  await page.keyboard.press('F1');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await audit('shortcut sheet');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Settings' }).click();
  await audit('settings');
  await page.getByRole('radio', { name: 'Light' }).check();
  await page.keyboard.press('Escape');
  await audit('light theme');
  await page.getByRole('button', { name: 'Board info' }).click();
  await page.getByRole('dialog', { name: /^About / }).waitFor();
  await audit('board info');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'More reset options' }).click();
  await audit('reset menu');
  await page.keyboard.press('Escape');
  await item(page, 'Board files', 'old.txt').click();
  await page.keyboard.press('Shift+F10');
  await page.getByRole('menu', { name: 'old.txt actions' }).waitFor();
  await audit('file menu');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Sync project…' }).click();
  await page.getByRole('dialog', { name: /Sync project to/ }).waitFor();
  await audit('sync preview');
  await page.keyboard.press('Escape');
});

test('screenshots: the whole page in both themes, files open and the plotter showing', { timeout: 120_000 }, async () => {
  for (const scheme of ['dark', 'light']) {
    const { context, page } = await openIde({ colorScheme: scheme });
    await chooseBoard(page, BOARD);
    await item(page, 'Board files', 'lib').click();
    await item(page, 'Board files', 'helpers.py').waitFor();
    await item(page, 'Project files', 'blink.py').dblclick();
    await setEditorText(page, 'import math, time\n\nfor i in range(120):\n    t = i / 8\n    print(round(math.sin(t), 3), round(0.5 * math.cos(t / 2), 3))\n');
    await page.keyboard.press('F5');
    await page.getByRole('status').filter({ hasText: 'Virtual board: finished' }).waitFor();
    await page.getByRole('tab', { name: 'Plotter' }).click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, `ide-${scheme}.png`) });
    await context.close();
  }
  const { context, page } = await openIde({ width: 600, height: 800 });
  await page.screenshot({ path: join(shots, 'ide-narrow.png') });
  // In a narrow window the files are a button away, and every toolbar button still fits.
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await tree(page, 'Project files').waitFor();
  await page.screenshot({ path: join(shots, 'ide-narrow-files.png') });
});

noPageErrors();
