// The IDE page: finds the panels in index.html, creates the editor, terminal, simulator and
// board picker, and wires the buttons between them. The modules never reach each other directly.

import { type BoardRun, createBoards } from './boards';
import { createEditor } from './editor';
import { createSimulator } from './simulator';
import { createTerminal } from './terminal';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

const runSimButton = byId<HTMLButtonElement>('run-sim');
const runBoardButton = byId<HTMLButtonElement>('run-board');
const stopButton = byId<HTMLButtonElement>('stop');
const status = byId<HTMLElement>('status');

const terminal = createTerminal(byId('terminal'));
const editor = createEditor(byId('editor'), () => runInSimulator());

const simulator = createSimulator({
  output: (text) => terminal.write(text),
  finished(ok, line) {
    editor.markError(line);
    setStatus(ok ? 'Simulator: finished' : line ? `Simulator: error on line ${line}` : 'Simulator: error', ok);
    updateButtons();
  },
  failed(message) {
    terminal.error(message);
    setStatus('Simulator unavailable', false);
    updateButtons();
  },
});

const boards = createBoards(byId<HTMLSelectElement>('board-select'), () => updateButtons());
// The program running on a board now, if any.
let boardRun: BoardRun | null = null;

function setStatus(text: string, ok = true) {
  status.textContent = text;
  status.classList.toggle('status-error', !ok);
}

function updateButtons() {
  const boardBusy = boardRun !== null;
  runBoardButton.disabled = boardBusy || boards.selected() === null;
  stopButton.disabled = !simulator.running && !boardBusy;
  document.body.classList.toggle('running', simulator.running || boardBusy);
}

function runInSimulator() {
  editor.markError(null);
  terminal.note('▶ Run in simulator');
  simulator.run(editor.getCode());
  setStatus('Simulator: running…');
  updateButtons();
}

async function runOnBoard() {
  const board = boards.selected();
  if (!board || boardRun) return;
  editor.markError(null);
  terminal.note(`▶ Run on ${board.name}`);
  setStatus(`${board.name}: running…`);
  const run = boards.run(editor.getCode(), (text) => terminal.write(text));
  boardRun = run;
  updateButtons();
  const error = await run.done;
  boardRun = null;
  if (!error) {
    setStatus(`${board.name}: finished`);
  } else if (error.traceback) {
    terminal.write(error.traceback);
    const inEditor = error.file === null || error.file === '<stdin>';
    editor.markError(inEditor ? error.line : null);
    setStatus(`${board.name}: ${error.type}${error.line ? ` on line ${error.line}` : ''}`, false);
  } else {
    terminal.error(error.message);
    setStatus(`${board.name}: failed`, false);
    void boards.refresh();
  }
  updateButtons();
}

runSimButton.addEventListener('click', () => runInSimulator());
runBoardButton.addEventListener('click', () => void runOnBoard());
stopButton.addEventListener('click', () => {
  if (boardRun) {
    // The board answers with KeyboardInterrupt, which ends the run.
    boardRun.stop();
    terminal.note('■ Stop');
    return;
  }
  simulator.stop();
  terminal.note('■ Stopped');
  setStatus('Simulator: stopped');
});
byId('refresh-boards').addEventListener('click', () => void boards.refresh());
byId('clear-terminal').addEventListener('click', () => terminal.clear());

const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
byId('run-shortcut').textContent = isMac ? '⌘' : 'Ctrl';
runSimButton.title = `Run in simulator (${isMac ? '⌘' : 'Ctrl'}+Enter)`;

initSplitter(byId('splitter'), byId('workspace'));
updateButtons();
setStatus('Ready');
void boards.refresh();
editor.focus();

/** The draggable (and keyboard-adjustable) divider between the editor and the terminal. */
function initSplitter(splitter: HTMLElement, workspace: HTMLElement) {
  const set = (percent: number) => {
    const clamped = Math.min(80, Math.max(20, percent));
    workspace.style.setProperty('--editor-share', `${clamped}%`);
    splitter.setAttribute('aria-valuenow', String(Math.round(clamped)));
  };
  const vertical = () => getComputedStyle(workspace).flexDirection === 'column';
  // The divider is a vertical line beside the panels, or a horizontal one between stacked panels.
  const orient = () => splitter.setAttribute('aria-orientation', vertical() ? 'horizontal' : 'vertical');
  new ResizeObserver(orient).observe(workspace);
  splitter.addEventListener('pointerdown', (down) => {
    splitter.setPointerCapture(down.pointerId);
    const move = (event: PointerEvent) => {
      const box = workspace.getBoundingClientRect();
      set(vertical() ? ((event.clientY - box.top) / box.height) * 100 : ((event.clientX - box.left) / box.width) * 100);
    };
    const up = () => {
      splitter.removeEventListener('pointermove', move);
      splitter.removeEventListener('pointerup', up);
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', up);
  });
  splitter.addEventListener('keydown', (event) => {
    const now = Number(splitter.getAttribute('aria-valuenow'));
    if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') set(now - 5);
    else if (event.key === 'ArrowRight' || event.key === 'ArrowDown') set(now + 5);
    else return;
    event.preventDefault();
  });
  set(58);
}
