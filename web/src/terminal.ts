// The terminal panel: xterm.js, sized to its panel. It shows program output and, when a
// board's REPL is attached, is that REPL: every key goes to `input`. `File "x.py", line N`
// in a traceback is a link that opens the file at that line.

import { Terminal as XTerm, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { FRAME } from './tracebacks';

export interface Terminal {
  /** Writes program or board output; `\n` and `\r\n` line ends both display correctly. */
  write(text: string | Uint8Array): void;
  /** Writes a one-line note from the IDE itself (not program output), dimmed. */
  note(text: string): void;
  /** Writes an error message from the IDE itself, in red. */
  error(text: string): void;
  clear(): void;
  focus(): void;
  /** Where typed keys go (null: nowhere, the terminal only shows output). */
  setInput(input: ((data: string) => void) | null): void;
  setTheme(dark: boolean): void;
  setScreenReader(on: boolean): void;
}

const DARK: ITheme = {
  background: '#0d1117',
  foreground: '#c9d1d9',
  cursor: '#e3874a',
  cursorAccent: '#0d1117',
  selectionBackground: '#3b4a63',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#8b949e',
};

const LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#1f2328',
  cursor: '#b4541f',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6d3f7',
  black: '#24292f',
  red: '#c4321f',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0550ae',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
};

/** Creates the terminal inside `parent`; `openFrame` is called when a traceback line is clicked. */
export function createTerminal(parent: HTMLElement, openFrame: (file: string, line: number) => void): Terminal {
  const xterm = new XTerm({
    convertEol: false,
    cursorBlink: true,
    cursorStyle: 'bar',
    cursorInactiveStyle: 'outline',
    fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace',
    fontSize: 13,
    lineHeight: 1.25,
    scrollback: 5000,
    theme: DARK,
  });
  const fit = new FitAddon();
  xterm.loadAddon(fit);
  xterm.open(parent);
  const refit = () => {
    if (parent.offsetWidth > 0 && parent.offsetHeight > 0) fit.fit();
  };
  refit();
  new ResizeObserver(refit).observe(parent);
  // xterm's hidden input is the terminal's keyboard door: give it a name screen readers say.
  xterm.textarea?.setAttribute('aria-label', 'Terminal input');

  let input: ((data: string) => void) | null = null;
  xterm.onData((data) => input?.(data));

  // Copy and paste as in other terminals: Ctrl+Shift+C/V always, Ctrl+C when text is selected
  // (otherwise it is the board's interrupt), Ctrl+V.
  xterm.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown' || !(event.ctrlKey || event.metaKey)) return true;
    const key = event.key.toLowerCase();
    if (key === 'c' && (event.shiftKey || xterm.hasSelection())) {
      void navigator.clipboard?.writeText(xterm.getSelection()).catch(() => {});
      return false;
    }
    // Returning false leaves the key to the browser, which pastes into xterm's input.
    return key !== 'v';
  });
  // A paste of several lines goes through MicroPython's paste mode (Ctrl-E … Ctrl-D), so the
  // board's auto-indent doesn't indent the pasted code twice.
  xterm.textarea?.addEventListener(
    'paste',
    (event) => {
      const text = event.clipboardData?.getData('text/plain') ?? '';
      if (!input || !text) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const lines = text.replace(/\r\n?/g, '\n');
      input(lines.includes('\n') ? `\x05${lines.replace(/\n/g, '\r')}\x04` : lines);
    },
    true,
  );

  xterm.registerLinkProvider({
    provideLinks(lineNumber, callback) {
      const line = xterm.buffer.active.getLine(lineNumber - 1)?.translateToString(true) ?? '';
      const links = [...line.matchAll(new RegExp(FRAME.source, 'g'))].map((match) => {
        const start = (match.index ?? 0) + 1;
        return {
          range: { start: { x: start, y: lineNumber }, end: { x: start + match[0].length - 1, y: lineNumber } },
          text: match[0],
          activate: () => openFrame(match[1], Number(match[2])),
        };
      });
      callback(links.length ? links : undefined);
    },
  });

  // Programs print `\n`; boards send `\r\n`. xterm needs `\r\n` to return to column 0.
  const cooked = (text: string) => text.replace(/\r?\n/g, '\r\n');
  const decoder = new TextDecoder();
  // The IDE's own lines start at the left edge, even after a prompt.
  const freshLine = () => (xterm.buffer.active.cursorX > 0 ? '\r\n' : '');

  return {
    write: (data) => xterm.write(typeof data === 'string' ? cooked(data) : cooked(decoder.decode(data, { stream: true }))),
    // Bright black is the theme's muted colour: dim text would be too faint to read.
    note: (text) => xterm.write(`${freshLine()}\x1b[90m${cooked(text)}\x1b[0m\r\n`),
    error: (text) => xterm.write(`${freshLine()}\x1b[31m${cooked(text)}\x1b[0m\r\n`),
    // Erase screen and scrollback through the write queue, so output already queued stays
    // above the erase and output written later lands below it.
    clear: () => xterm.write('\x1b[H\x1b[2J\x1b[3J'),
    focus: () => xterm.focus(),
    setInput(next) {
      input = next;
    },
    setTheme: (dark) => {
      xterm.options.theme = dark ? DARK : LIGHT;
    },
    setScreenReader: (on) => {
      xterm.options.screenReaderMode = on;
    },
  };
}
