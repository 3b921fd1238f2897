// The terminal panel: xterm.js showing program output, sized to its panel.

import { Terminal as XTerm } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';

export interface Terminal {
  /** Writes program output; `\n` and `\r\n` line ends both display correctly. */
  write(text: string): void;
  /** Writes a one-line note from the IDE itself (not program output), dimmed. */
  note(text: string): void;
  /** Writes an error message from the IDE itself, in red. */
  error(text: string): void;
  clear(): void;
}

/** Creates the terminal inside `parent`. */
export function createTerminal(parent: HTMLElement): Terminal {
  const xterm = new XTerm({
    convertEol: false,
    cursorBlink: false,
    cursorStyle: 'bar',
    cursorInactiveStyle: 'none',
    disableStdin: true,
    fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace',
    fontSize: 13,
    lineHeight: 1.25,
    scrollback: 5000,
    theme: {
      background: '#0d1117',
      foreground: '#c9d1d9',
      cursor: '#e3874a',
      selectionBackground: '#3b4a63',
      black: '#484f58',
      red: '#ff7b72',
      green: '#3fb950',
      yellow: '#d29922',
      blue: '#58a6ff',
      magenta: '#bc8cff',
      cyan: '#39c5cf',
      white: '#b1bac4',
      brightBlack: '#6e7681',
    },
  });
  const fit = new FitAddon();
  xterm.loadAddon(fit);
  xterm.open(parent);
  fit.fit();
  new ResizeObserver(() => fit.fit()).observe(parent);

  // Programs print `\n`; boards send `\r\n`. xterm needs `\r\n` to return to column 0.
  const cooked = (text: string) => text.replace(/\r?\n/g, '\r\n');

  return {
    write: (text) => xterm.write(cooked(text)),
    note: (text) => xterm.write(`\x1b[2m${cooked(text)}\x1b[0m\r\n`),
    error: (text) => xterm.write(`\x1b[31m${cooked(text)}\x1b[0m\r\n`),
    // Erase screen and scrollback through the write queue, so output already queued stays
    // above the erase and output written later lands below it.
    clear: () => xterm.write('\x1b[H\x1b[2J\x1b[3J'),
  };
}
