// The Simulator in a real browser, as a learner without hardware uses it: a board in the page
// with its REPL, input(), Ctrl-C, files that stay in the browser, soft reset, and a board view
// driven by the program's hardware. Every journey runs twice: with the page cross-origin
// isolated (the frames to the board travel through shared memory) and without (the server's
// relay carries them), where a Ctrl-C may take up to a second instead of 100 ms.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures, journey, noPageErrors, setEditorText, shots, terminalText, useBrowser, waitForTerminal } from './helpers.mjs';

useBrowser();

const run = (page) => page.getByRole('button', { name: 'Run', exact: true }).click();
const finished = (page) => page.getByRole('status').filter({ hasText: 'Simulator: finished' }).waitFor();
const terminal = (page) => page.locator('#terminal').click();

/** Types `line` at the REPL and presses Enter. */
async function enter(page, line) {
  await terminal(page);
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/**
 * Milliseconds from the key that interrupts (Ctrl-C in the terminal) to `KeyboardInterrupt` on
 * the screen, measured inside the page: a keydown listener notes the key, an observer of the
 * terminal's rows notes the text.
 */
async function interruptLatency(page, press) {
  await page.evaluate(() => {
    window.__interrupt = { pressed: null, shown: null };
    const rows = document.querySelector('#terminal .xterm-rows');
    const before = (rows.textContent.match(/KeyboardInterrupt/g) ?? []).length;
    document.addEventListener('keydown', (event) => {
      if (event.ctrlKey && event.key.toLowerCase() === 'c' && window.__interrupt.pressed === null) window.__interrupt.pressed = performance.now();
    }, { capture: true });
    new MutationObserver((_, observer) => {
      if ((rows.textContent.match(/KeyboardInterrupt/g) ?? []).length > before && window.__interrupt.shown === null) {
        window.__interrupt.shown = performance.now();
        observer.disconnect();
      }
    }).observe(rows, { childList: true, subtree: true, characterData: true });
  });
  await press();
  await page.waitForFunction(() => window.__interrupt.shown !== null);
  return page.evaluate(() => window.__interrupt.shown - window.__interrupt.pressed);
}

for (const isolated of [true, false]) {
  const mode = isolated ? 'isolated' : 'not isolated';
  const bound = isolated ? 100 : 1000;

  journey(`simulator (${mode}): its REPL, input(), and Ctrl-C that keeps the variables`, { isolated }, async (page) => {
    assert.equal(await page.getByRole('combobox', { name: 'Board' }).inputValue(), 'simulator');
    await waitForTerminal(page, /^MicroPython v\d+\.\d+\.\d+ \(Copperhead .*\) on .*; Copperhead simulator with ESP32-C3$/);
    await waitForTerminal(page, /^>>> $|^>>>$/);
    await enter(page, '1+1');
    await waitForTerminal(page, /^2$/);
    // The link the board uses, as Board info tells it.
    await page.getByRole('button', { name: 'Board info' }).click();
    const about = page.getByRole('dialog', { name: 'About Simulator' });
    await about.getByText(isolated ? /shared memory/ : /relay/).waitFor();
    await about.getByRole('button', { name: 'Close' }).click();

    // A program's input() waits for what is typed in the terminal.
    await setEditorText(page, 'name = input("name? ")\nprint("hello", name, len(name))\n');
    await run(page);
    await waitForTerminal(page, /^name\? ?$/);
    await terminal(page);
    await page.keyboard.type('Ada');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^hello Ada 3$/);
    await finished(page);

    // A loop that never ends is stopped by Ctrl-C, and the REPL keeps what was defined.
    await enter(page, 'kept = 6 * 7');
    await enter(page, 'while True: pass');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    const ms = await interruptLatency(page, () => page.keyboard.press('Control+C'));
    console.log(`simulator (${mode}): Ctrl-C → KeyboardInterrupt on screen in ${Math.round(ms)} ms`);
    assert.ok(ms < bound, `Ctrl-C took ${Math.round(ms)} ms (bound ${bound} ms)`);
    await enter(page, 'kept');
    await waitForTerminal(page, /^42$/);

    // Stop ends a running program too.
    await setEditorText(page, 'n = 0\nwhile True:\n    n += 1\n');
    await run(page);
    await page.getByRole('button', { name: 'Stop', exact: true }).and(page.locator(':enabled')).waitFor();
    await page.waitForTimeout(200);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Simulator: stopped' }).waitFor();
    await enter(page, 'n > 1000, kept');
    await waitForTerminal(page, /^\(True, 42\)$/);

    // A program deep in one long operation (no interrupt polls in a big int's decimal
    // conversion) does not stop: after a second the board starts again, its files kept.
    await enter(page, "open('/keep.txt', 'w').write('kept')");
    await waitForTerminal(page, /^4$/);
    await setEditorText(page, 'print("digits", len(str(3 ** 6000000)))\n');
    await run(page);
    await page.waitForTimeout(300);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForTerminal(page, /the program did not stop: the simulator starts again/);
    await page.getByRole('status').filter({ hasText: 'Simulator: stopped' }).waitFor();
    await waitForTerminal(page, /^MicroPython v.*Copperhead simulator/);
    await enter(page, "open('/keep.txt').read()");
    await waitForTerminal(page, /^'kept'$/);
  });

  journey(`simulator (${mode}): files stay in the browser, and a soft reset runs main.py`, { isolated }, async (page) => {
    const text = 'import os\nprint("main.py says hi")\nprint("boot count", len(open("/data.txt").read()) if "data.txt" in os.listdir("/") else 0)\n';
    await setEditorText(page, text);
    await page.getByRole('button', { name: 'Save to board' }).click();
    await page.getByRole('tree', { name: 'Board files' }).getByRole('treeitem', { name: 'main.py', exact: true }).waitFor();
    // A program writes a file of its own.
    await enter(page, "open('/data.txt', 'w').write('xyz')");
    await waitForTerminal(page, /^3$/);
    await page.waitForTimeout(500);

    await page.reload();
    await page.getByRole('tab', { name: /\.py/ }).first().waitFor();
    const files = page.getByRole('tree', { name: 'Board files' });
    await files.getByRole('treeitem', { name: 'main.py', exact: true }).waitFor();
    await files.getByRole('treeitem', { name: 'data.txt', exact: true }).waitFor();
    // The board started on its files: main.py ran before the banner.
    await waitForTerminal(page, /^main\.py says hi$/);
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await waitForTerminal(page, /^MPY: soft reboot$/);
    await waitForTerminal(page, /^boot count 3$/);
    // Opening the board's file shows what was saved.
    await files.getByRole('treeitem', { name: 'main.py', exact: true }).dblclick();
    await page.getByRole('tab', { name: /^main\.py, Simulator/ }).waitFor();

    // Sync project: the same preview as for a board behind the server, then only what differs.
    await page.getByRole('button', { name: 'Sync project…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sync project to Simulator' });
    const listed = async (name) => (await dialog.getByRole('list', { name }).count()) ? (await dialog.getByRole('list', { name }).locator('.sync-path').allTextContents()).sort() : [];
    await dialog.waitFor();
    assert.deepEqual(await listed('Changed'), ['/main.py']);
    assert.deepEqual(await listed('Only on the board'), ['/data.txt']);
    assert.ok((await listed('New')).includes('/lib/sub/deep.txt'));
    await dialog.getByRole('button', { name: /^Upload \d+ files$/ }).click();
    const done = page.getByRole('dialog', { name: 'Sync done' });
    await done.getByRole('button', { name: 'Soft reset to run main.py' }).click();
    await waitForTerminal(page, /^main\.py ran$/);
    await files.getByRole('treeitem', { name: 'lib', exact: true }).waitFor();

    // Every file out as a .zip, and files in from one (compressed, as zip tools make them).
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export files' }).click();
    const exported = JSON.parse(
      execFileSync('python3', ['-c', 'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({n: z.read(n).decode() for n in z.namelist()}))', await (await downloading).path()], { encoding: 'utf8' }),
    );
    assert.equal(exported['data.txt'], 'xyz');
    assert.equal(exported['main.py'], 'print("main.py ran")\n');
    assert.ok('lib/sub/deep.txt' in exported);
    const archive = join(mkdtempSync(join(tmpdir(), 'copperhead-zip-')), 'more.zip');
    execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n    z.writestr("sensors/notes.txt", "from a zip " * 20)\n    z.writestr("extra.py", "print(42)\\n")', archive]);
    const choosing = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import .zip…' }).click();
    await (await choosing).setFiles(archive);
    await page.getByRole('status').filter({ hasText: '2 files imported from more.zip' }).waitFor();
    await files.getByRole('treeitem', { name: 'extra.py', exact: true }).waitFor();
    await enter(page, 'len(open("/sensors/notes.txt").read())');
    await waitForTerminal(page, /^220$/);
  });

  journey(`simulator (${mode}): the board view shows the hardware and drives it`, { isolated }, async (page) => {
    await page.getByRole('complementary', { name: 'Board view' }).waitFor();
    const led = page.getByRole('img', { name: /^LED \(GPIO8\)/ });
    assert.equal(await led.getAttribute('data-state'), 'off');

    // A program that blinks the LED: the drawn LED follows it.
    await setEditorText(page, 'from machine import Pin\nimport time\nled = Pin(8, Pin.OUT)\nfor i in range(6):\n    led.value(i % 2 == 0)\n    print("led", led.value())\n    time.sleep_ms(250)\n');
    await run(page);
    await page.waitForFunction(() => document.querySelector('[data-state="on"]')?.getAttribute('aria-label') === 'LED (GPIO8): on');
    await page.waitForFunction(() => document.querySelector('[role="img"][aria-label^="LED (GPIO8)"]')?.getAttribute('data-state') === 'off');
    await finished(page);

    // The BOOT button fires a pin interrupt whose handler prints.
    await setEditorText(page, 'from machine import Pin\nimport time\npresses = []\nboot = Pin(9, Pin.IN, Pin.PULL_UP)\nboot.irq(lambda p: presses.append(p.value()) or print("BOOT pressed", len(presses)), Pin.IRQ_FALLING)\nwhile not presses:\n    time.sleep_ms(10)\nprint("done waiting")\n');
    await run(page);
    await page.waitForTimeout(300);
    await page.getByRole('button', { name: 'BOOT button (GPIO9)' }).click();
    await waitForTerminal(page, /^BOOT pressed 1$/);
    await waitForTerminal(page, /^done waiting$/);
    await finished(page);

    // An ADC input gets a slider; the program reads where it is set.
    await setEditorText(page, 'from machine import ADC, Pin\nadc = ADC(Pin(2))\ninput("set the slider, then Enter")\nprint("adc reads", adc.read_u16())\n');
    await run(page);
    const slider = page.getByRole('slider', { name: 'ADC GPIO2' });
    await slider.fill('40000');
    await page.waitForTimeout(200);
    await terminal(page);
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^adc reads 40000$/);
    await finished(page);

    // An SSD1306 on I2C (its driver copied to the board first): the drawn pixels are the frame buffer.
    const choosing = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload files to board' }).click();
    await (await choosing).setFiles(join(fixtures, 'simulator', 'ssd1306.py'));
    await page.getByRole('tree', { name: 'Board files' }).getByRole('treeitem', { name: 'ssd1306.py', exact: true }).waitFor();
    await setEditorText(page, 'from machine import I2C, Pin\nimport ssd1306, hashlib, binascii\ni2c = I2C(0, scl=Pin(5), sda=Pin(4))\nprint("scan", i2c.scan())\noled = ssd1306.SSD1306_I2C(128, 64, i2c)\noled.fill(0)\noled.text("Copperhead", 0, 0, 1)\noled.rect(10, 20, 60, 30, 1)\noled.line(0, 63, 127, 12, 1)\noled.show()\nprint("fb", binascii.hexlify(hashlib.sha256(oled.buffer).digest()).decode())\n');
    await run(page);
    await waitForTerminal(page, /^scan \[60\]$/);
    await finished(page);
    const printed = (await terminalText(page)).match(/^fb ([0-9a-f]{64})$/m)?.[1];
    const display = page.getByRole('img', { name: 'SSD1306 display (I2C 0x3C)' });
    await page.waitForFunction(() => Number(document.querySelector('[aria-label="SSD1306 display (I2C 0x3C)"]')?.getAttribute('data-lit')) > 100);
    // Read the canvas back into the controller's page-major layout and compare.
    const drawn = await display.evaluate((canvas) => {
      const context = canvas.getContext('2d');
      const { width, height } = canvas;
      const pixels = context.getImageData(0, 0, width, height).data;
      const scale = width / 128;
      const bytes = new Array(128 * 8).fill(0);
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 128; x++) {
          const at = ((y * scale + Math.floor(scale / 2)) * width + x * scale + Math.floor(scale / 2)) * 4;
          if (pixels[at] + pixels[at + 1] + pixels[at + 2] > 384) bytes[(y >> 3) * 128 + x] |= 1 << (y & 7);
        }
      return bytes;
    });
    assert.equal(createHash('sha256').update(Buffer.from(drawn)).digest('hex'), printed, 'the drawn display shows the frame buffer');

    // Two asyncio tasks interleave, and NeoPixels show their colours.
    await setEditorText(page, 'import asyncio, neopixel\nfrom machine import Pin\nnp = neopixel.NeoPixel(Pin(4), 3)\nnp[0] = (255, 0, 0)\nnp[2] = (0, 0, 255)\nnp.write()\nasync def count(name, delay):\n    for i in range(3):\n        print(name, i)\n        await asyncio.sleep_ms(delay)\nasync def main():\n    await asyncio.gather(count("fast", 20), count("slow", 70))\nasyncio.run(main())\n');
    await run(page);
    await finished(page);
    const lines = (await terminalText(page)).split('\n').filter((l) => /^(fast|slow) \d$/.test(l)).slice(-6);
    assert.deepEqual([...lines].sort(), ['fast 0', 'fast 1', 'fast 2', 'slow 0', 'slow 1', 'slow 2']);
    // Interleaved: the slow task started before the fast one finished, and the fast one
    // finished before the slow one.
    assert.ok(lines.indexOf('slow 0') < lines.indexOf('fast 1') && lines.indexOf('fast 2') < lines.indexOf('slow 2'), lines.join(', '));
    await page.getByRole('img', { name: 'NeoPixel 0 on GPIO4: rgb(255, 0, 0)' }).waitFor();
    await page.getByRole('img', { name: 'NeoPixel 2 on GPIO4: rgb(0, 0, 255)' }).waitFor();
    if (isolated) await page.screenshot({ path: join(shots, 'simulator-board-view.png') });
  });
}

noPageErrors();
