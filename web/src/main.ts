// The IDE page: creates each panel's module, and wires them together. The modules never reach
// each other directly; what one does to another goes through here.

import { api, type Board, type BoardError, followEvents, messageOf } from './api';
import { createPicker, label as boardLabel } from './boards';
import { createBoardView } from './boardview';
import { askText, showDialog, tellError } from './dialogs';
import { createEditor } from './editor';
import { createFiles } from './files';
import { formatSize } from './format';
import { createLanguage } from './language';
import { createLayout } from './layout';
import { createPlotter } from './plotter';
import { type BoardRun, type Connection, type Repl, serverConnection } from './session';
import { installShortcuts, shortcutTable, showShortcuts } from './shortcuts';
import { createSimulatedBoard } from './simulator';
import { remembered } from './store';
import { projectStore, registerStore, saveToDesktop, transferEvent } from './stores';
import { syncProject } from './sync';
import { createTabs, type Doc, nameOf, type Tabs } from './tabs';
import { createTerminal } from './terminal';
import { createTheme } from './theme';
import { lineIn, summary } from './tracebacks';
import { createTransferBar } from './transfer';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

const WELCOME = `# Welcome to Copperhead: MicroPython in your browser and on your boards.
# Run this file (F5) on the Simulator, or pick a board above and run it there.

import time

for i in range(5):
    print(i, "squared is", i * i)
    time.sleep_ms(100)
print("2 ** 100 =", 2 ** 100)
`;

/** Set once every module exists: the callbacks they make while being created wait for it. */
let started = false;

const statusElement = byId('status');
function setStatus(text: string, ok = true) {
  statusElement.textContent = text;
  statusElement.classList.toggle('status-error', !ok);
}

// ---- settings, theme, layout -------------------------------------------------------------

const settings = remembered<{ screenReader: boolean }>('settings', { screenReader: false });

const terminal = createTerminal(byId('terminal'), (file, line) => void openFrame(file, line));
const plotter = createPlotter(byId('plot'), byId('plot-caption'));
const theme = createTheme((dark) => {
  terminal.setTheme(dark);
  plotter.setTheme(dark);
  const button = document.getElementById('theme');
  button?.setAttribute('aria-label', dark ? 'Switch to light theme' : 'Switch to dark theme');
});
terminal.setScreenReader(settings.get().screenReader);

const workbench = byId('workbench');
const layout = createLayout(workbench, byId('side-split'), byId('bottom-split'), () => {
  plotter.resize();
  byId('toggle-sidebar').setAttribute('aria-pressed', String(!workbench.classList.contains('sidebar-closed')));
  byId('toggle-bottom').setAttribute('aria-label', workbench.classList.contains('bottom-closed') ? 'Show the output panel' : 'Hide the output panel');
});

// ---- editor and tabs ---------------------------------------------------------------------

// The wasm VM, compiled once (from the browser's cache after the first visit) for both workers.
const vm = WebAssembly.compileStreaming(fetch(new URL(WASM_URL, location.href)));
const language = createLanguage(new URL(LANGUAGE_WORKER_URL, location.href), vm);
let tabs: Tabs;
const editor = createEditor(
  byId('editor'),
  language,
  Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (run(), true) }])),
  () => tabs?.touched(),
);

// While a transfer runs the server pauses the board's REPL: the terminal's header says so.
let repl: Repl | null = null;
let replBoard: string | null = null;
const replState = byId('repl-state');

const transfer = createTransferBar(byId('transfer'), (busy) => {
  transferring = busy !== null;
  updateButtons();
  const board = picker.selected();
  if (!board) return;
  replState.textContent = busy ? `${board.name}: busy (${busy.toLowerCase()})` : `${board.name}: REPL`;
});
const files = createFiles(byId('project-tree'), byId('board-tree'), {
  tabs: () => tabs,
  transfer,
  status: setStatus,
  askName: (doc) => askText('Save to the project', 'File name in the project folder', nameOf(doc.place), 'Save'),
  dfElement: byId('board-df'),
  boardById: (id) => picker.boards().find((b) => b.id === id) ?? null,
});

tabs = createTabs(
  byId('tabs'),
  editor,
  (doc) =>
    showDialog<'save' | 'discard' | 'cancel'>(
      `Save ${nameOf(doc.place)}?`,
      `${nameOf(doc.place)} has changes that are not saved. Save them before closing?`,
      [
        { label: 'Cancel', value: 'cancel' },
        { label: "Don't save", value: 'discard', kind: 'danger' },
        { label: 'Save', value: 'save', kind: 'primary' },
      ],
      'cancel',
    ),
  (doc) => files.save(doc),
  () => {
    updateButtons();
    layout.closeIfNarrow();
  },
);
// A first visit opens the project's main.py, or a welcome program when it has none.
if (tabs.all().length === 0) {
  void files.open(projectStore, 'main.py', true).then((opened) => {
    if (!opened && tabs.all().length === 0) tabs.open({ kind: 'new', name: 'main.py' }, WELCOME);
  });
}

// ---- boards, the REPL --------------------------------------------------------------------


// The simulator is a board like the others: its REPL, runs and files go through the same
// interfaces as a board behind the server's.
const simulated = createSimulatedBoard(new URL(SIMULATOR_WORKER_URL, location.href), vm);
registerStore(simulated.store);
const boardView = createBoardView(byId('board-view-body'), {
  press: (pin, down) => simulated.press(pin, down),
  adc: (pin, value) => simulated.adc(pin, value),
});
simulated.onHardware(boardView.update, boardView.reset);
// What a program writes shows in the Board tree, as the tree's own operations do.
simulated.onFiles(() => {
  if (started && picker.selected().kind === 'simulator' && !transferring) {
    void files.board.refresh();
    files.refreshDf();
  }
});
const viewPrefs = remembered<{ open: boolean }>('board-view', { open: true });

const picker = createPicker(byId<HTMLSelectElement>('board-select'), () => boardChanged());

function connectionOf(board: Board): Connection {
  return board.kind === 'simulator' ? simulated : serverConnection(board);
}

function boardChanged() {
  if (!started) return;
  const board = picker.selected();
  if (board.id !== replBoard) {
    replBoard = board.id;
    repl?.close();
    repl = null;
    files.setBoard(board);
    attachRepl(board);
  }
  showBoardView();
  updateButtons();
}

/** In a narrow window the board view floats over the editor: closed until asked for. */
const narrowWindow = matchMedia('(max-width: 820px)');
let narrowViewOpen = false;
narrowWindow.addEventListener('change', () => showBoardView());

/** The board view shows with the Simulator chosen, unless the user put it away. */
function showBoardView(toggle = false) {
  const simulator = picker.selected().kind === 'simulator';
  if (toggle && narrowWindow.matches) narrowViewOpen = !narrowViewOpen;
  else if (toggle) viewPrefs.set({ open: !viewPrefs.get().open });
  const open = simulator && (narrowWindow.matches ? narrowViewOpen : viewPrefs.get().open);
  byId('board-view').hidden = !open;
  workbench.classList.toggle('board-view-open', open);
  const button = byId('toggle-board-view');
  button.hidden = !simulator;
  button.setAttribute('aria-pressed', String(open));
  plotter.resize();
}

/** The REPL's output held back while a run's output is still being written. */
let heldRepl: Uint8Array[] = [];
const replDecoder = new TextDecoder();
/** The board's last words were its prompt: nothing runs at its REPL. */
let replAtPrompt = false;
function showRepl(bytes: Uint8Array) {
  replAtPrompt = /(>>>|\.\.\.) $/.test(String.fromCharCode(...bytes.slice(-4)));
  terminal.write(bytes);
  plotter.feed(replDecoder.decode(bytes, { stream: true }));
}

function attachRepl(board: Board) {
  replState.textContent = `Connecting to ${board.name}…`;
  setStatus(`Connecting to ${board.name}…`);
  if (board.kind !== 'simulator') terminal.note(`Connecting to ${board.name}…`);
  let wasUp: boolean | null = null;
  repl = connectionOf(board).openRepl({
    output: (bytes) => {
      // The prompt the board shows after a run waits until the run's last words are written.
      if (boardRun) heldRepl.push(bytes);
      else showRepl(bytes);
    },
    state(up, why) {
      replState.textContent = up ? `${board.name}: REPL` : `${board.name}: offline`;
      setStatus(up ? `Connected to ${board.name}` : (why ?? `${board.name} lost`), up);
      // The terminal says what happened to its board, once per change.
      if (up && wasUp === null && board.kind === 'simulator') terminal.note('The Simulator: a board in this page, REPL and all (Ctrl-C interrupts, Ctrl-D soft-resets). Its files stay in this browser.');
      else if (up && wasUp === null) terminal.note(`Connected: this is ${board.name}'s REPL. Press Enter for its prompt (Ctrl-C interrupts, Ctrl-D soft-resets).`);
      else if (up && wasUp === false) terminal.note(`Reconnected to ${board.name}.`);
      else if (!up && wasUp !== false) terminal.error(`${board.name} is not answering: trying again…`);
      wasUp = up;
    },
  });
  terminal.setInput((data) => {
    if (boardRun) {
      // While the server runs a program the REPL is paused: keys go to the program's
      // input(), and Ctrl-C stops it.
      if (data.includes('\x03')) stop();
      else boardRun.send(data);
      return;
    }
    repl?.send(data);
  });
}

followEvents(
  (event) => {
    if (event.type === 'boards_changed') void picker.refresh();
    else transferEvent(event);
  },
  () => void picker.refresh(),
);

// ---- run and stop ------------------------------------------------------------------------

let boardRun: BoardRun | null = null;
/** The user pressed Stop during the current board run: its KeyboardInterrupt is no error. */
let stopAsked = false;
/** A file transfer runs: the board is busy, so Run, Reset, Save to board and Sync wait. */
let transferring = false;
/** The tab the last run came from, so a click on `File "<stdin>"` finds it. */
let ranDoc: Doc | null = null;

function showError(traceback: string, file: string, where: string) {
  const line = lineIn(traceback, file);
  if (ranDoc && tabs.active() === ranDoc) editor.markError(line);
  setStatus(`${where}: ${summary(traceback)}${line ? ` (line ${line})` : ''}`, false);
}

function run() {
  const doc = tabs.active();
  if (!doc || boardRun) return;
  const code = tabs.text(doc);
  const board = picker.selected();
  editor.markError(null);
  plotter.endLine();
  ranDoc = doc;
  terminal.note(`▶ Run ${nameOf(doc.place)} on ${board.name}`);
  setStatus(`${board.name}: running ${nameOf(doc.place)}…`);
  const running = connectionOf(board).run(code, nameOf(doc.place), (text) => {
    terminal.write(text);
    plotter.feed(text);
  });
  boardRun = running;
  replState.textContent = `${board.name}: running ${nameOf(doc.place)} (Ctrl-C stops it)`;
  updateButtons();
  void running.done.then((error: BoardError | null) => {
    boardRun = null;
    replState.textContent = `${board.name}: REPL`;
    const stopped = stopAsked && error?.type === 'KeyboardInterrupt';
    stopAsked = false;
    if (!error) setStatus(`${board.name}: finished`);
    else if (stopped) {
      terminal.write(error.traceback);
      setStatus(`${board.name}: stopped`);
    } else if (error.traceback) {
      terminal.write(error.traceback);
      showError(error.traceback, running.file, board.name);
    } else {
      terminal.error(error.message);
      setStatus(`${board.name}: ${error.message}`, false);
      void picker.refresh();
    }
    for (const bytes of heldRepl) showRepl(bytes);
    heldRepl = [];
    updateButtons();
  });
}

function stop() {
  if (boardRun) {
    // The board answers with KeyboardInterrupt, which ends the run.
    stopAsked = true;
    boardRun.stop();
    terminal.note('■ Stop');
    return;
  }
}

async function reset(kind: 'soft' | 'hard') {
  const board = picker.selected();
  if (kind === 'soft' && repl && !boardRun && !transferring) {
    // As Ctrl-D at the prompt: boot.py and main.py run, and what they print shows here.
    // (Ctrl-C first only when something may be running there.)
    repl.send(replAtPrompt ? '\x04' : '\x03\x04');
    setStatus(`${board.name}: soft reset (boot.py and main.py run)`);
    return;
  }
  setStatus(`${board.name}: ${kind} reset…`);
  try {
    if (kind === 'hard') await connectionOf(board).hardReset();
    else await api.reset(board.id, kind);
    setStatus(`${board.name}: ${kind} reset done`);
  } catch (err) {
    setStatus(`${board.name}: reset failed: ${messageOf(err)}`, false);
  }
}

function updateButtons() {
  if (!started) return;
  const board = picker.selected();
  const running = boardRun !== null;
  byId<HTMLButtonElement>('run').disabled = running || transferring || !tabs.active();
  byId<HTMLButtonElement>('stop').disabled = !running;
  byId<HTMLButtonElement>('reset').disabled = transferring;
  byId<HTMLButtonElement>('reset-menu').disabled = transferring;
  byId<HTMLButtonElement>('save-to-board').disabled = !tabs.active() || transferring || boardRun !== null;
  byId<HTMLButtonElement>('sync').disabled = transferring || boardRun !== null;
  byId('run').title = `Run on ${board.name} (F5)`;
  document.body.classList.toggle('running', running);
}

// ---- saving ------------------------------------------------------------------------------

async function save() {
  const doc = tabs.active();
  if (doc) await files.save(doc);
}

async function saveToBoard() {
  const doc = tabs.active();
  const store = files.boardStore();
  if (!doc || !store) return;
  const place = doc.place;
  const path = place.kind === 'board' ? place.path : `/${place.kind === 'project' ? place.path : place.name}`;
  const text = tabs.text(doc);
  if (await files.write(store, path, new TextEncoder().encode(text), path)) {
    if (place.kind === 'board' && place.board === store.board?.id) tabs.saved(doc, text);
    await files.board.select(path);
  }
}

/** Opens the file a traceback frame names: a tab that ran, an open tab, the board's file, or the project's. */
async function openFrame(file: string, line: number) {
  const open = (doc: Doc) => {
    tabs.activate(doc);
    editor.goToLine(line);
    editor.markError(line);
  };
  if ((file === '<stdin>' || (ranDoc && file === nameOf(ranDoc.place))) && ranDoc && tabs.all().includes(ranDoc)) return open(ranDoc);
  const match = tabs.all().find((doc) => doc.place.kind !== 'new' && (doc.place.path === file || doc.place.path === `/${file}` || `/${doc.place.path}` === file));
  if (match) return open(match);
  const board = files.boardStore();
  const candidates: [typeof projectStore, string][] = [];
  if (board) candidates.push([board, file.startsWith('/') ? file : `/${file}`]);
  candidates.push([projectStore, file.replace(/^\/+/, '')]);
  for (const [store, path] of candidates) {
    if (await files.open(store, path, true)) {
      editor.goToLine(line);
      editor.markError(line);
      return;
    }
  }
  setStatus(`${file} is neither open, on the board, nor in the project`, false);
}

// ---- dialogs -----------------------------------------------------------------------------

async function showBoardInfo() {
  const board = picker.selected();
  setStatus(`Asking ${board.name} about itself…`);
  try {
    const info = await connectionOf(board).info();
    const list = document.createElement('dl');
    list.className = 'facts';
    const rows: [string, string][] = [
      ['Board', boardLabel(board).replace(/^[●○] /, '')],
      ['Port', board.port],
      ['Firmware', `${info.implementation} ${info.version}${info.release && info.release !== info.version ? ` (${info.release})` : ''}`],
      ['Machine', info.machine || info.platform],
      ['Platform', info.platform],
      ['Memory', info.mem_free >= 0 ? `${formatSize(info.mem_free)} free of ${formatSize(info.mem_free + info.mem_alloc)}` : 'unknown'],
      ['Filesystem', info.fs_size >= 0 ? `${formatSize(info.fs_free)} free of ${formatSize(info.fs_size)}` : 'unknown'],
    ];
    if (board.kind === 'simulator') rows.push(['Link', simulated.transport === 'shared' ? 'shared memory (the page is cross-origin isolated)' : "the server's relay (the page is not cross-origin isolated)"]);
    if (board.usb) rows.push(['USB', `${board.usb.vid.toString(16).padStart(4, '0')}:${board.usb.pid.toString(16).padStart(4, '0')} ${board.usb.product ?? ''}`]);
    for (const [term, value] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    }
    setStatus(`${board.name}: ${info.implementation} ${info.version}`);
    await showDialog(`About ${board.name}`, list, [{ label: 'Close', value: undefined, kind: 'primary' }], undefined);
  } catch (err) {
    setStatus(`${board.name}: ${messageOf(err)}`, false);
    await tellError(`Could not ask ${board.name}`, messageOf(err));
  }
}

async function showSettings() {
  const form = document.createElement('div');
  form.className = 'settings';
  const themeField = document.createElement('fieldset');
  themeField.innerHTML = '<legend>Theme</legend>';
  for (const choice of ['system', 'light', 'dark'] as const) {
    const option = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'theme';
    radio.value = choice;
    radio.checked = theme.choice === choice;
    radio.addEventListener('change', () => theme.set(choice));
    option.append(radio, ` ${choice === 'system' ? 'Follow the system' : choice === 'light' ? 'Light' : 'Dark'}`);
    themeField.append(option);
  }
  const reader = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = settings.get().screenReader;
  box.addEventListener('change', () => {
    settings.set({ screenReader: box.checked });
    terminal.setScreenReader(box.checked);
  });
  reader.append(box, ' Screen reader mode in the terminal');
  form.append(themeField, reader);
  await showDialog('Settings', form, [{ label: 'Close', value: undefined, kind: 'primary' }], undefined);
}

// ---- controls ----------------------------------------------------------------------------

const table = shortcutTable({
  run,
  stop,
  save: () => void save(),
  saveToBoard: () => void saveToBoard(),
  newFile: () => files.project.startCreate(false),
  closeTab: () => {
    const doc = tabs.active();
    if (doc) void tabs.close(doc);
  },
  toggleSidebar: () => layout.toggleSidebar(),
  toggleBottom: () => layout.toggleBottom(),
  focusTerminal,
  focusEditor: () => editor.focus(),
  nextPanel,
  help: () => void showShortcuts(table),
});

function focusTerminal() {
  layout.toggleBottom(true);
  showBottom('terminal');
  terminal.focus();
}

/** F6: the keyboard goes to the next region (board picker, Project, Board, editor, terminal). */
function nextPanel(back: boolean) {
  const regions: [HTMLElement, () => void][] = [
    [byId('board-select'), () => byId('board-select').focus()],
    [byId('project-tree'), () => files.project.focus()],
    [byId('board-tree'), () => files.board.focus()],
    [byId('editor'), () => editor.focus()],
    [byId('panel-terminal'), focusTerminal],
  ];
  const visible = regions.filter(([element]) => element.offsetParent !== null || element === byId('panel-terminal'));
  const at = visible.findIndex(([element]) => element.contains(document.activeElement));
  const next = visible[(at + (back ? -1 : 1) + visible.length) % visible.length];
  next[1]();
}
installShortcuts(table, () => void showShortcuts(table));

byId('run').addEventListener('click', run);
byId('stop').addEventListener('click', stop);
byId('reset').addEventListener('click', () => void reset('soft'));
byId('save-to-board').addEventListener('click', () => void saveToBoard());
byId('sync').addEventListener('click', () => {
  const board = picker.selected();
  if (board) void syncProject(board, transfer, setStatus, () => reset('soft'));
});
byId('board-info').addEventListener('click', () => void showBoardInfo());
byId('shortcuts').addEventListener('click', () => void showShortcuts(table));
byId('settings').addEventListener('click', () => void showSettings());
byId('theme').addEventListener('click', () => theme.set(theme.dark ? 'light' : 'dark'));
byId('clear-terminal').addEventListener('click', () => terminal.clear());
byId('toggle-sidebar').addEventListener('click', () => layout.toggleSidebar());
byId('toggle-bottom').addEventListener('click', () => layout.toggleBottom());
byId('toggle-board-view').addEventListener('click', () => showBoardView(true));
byId('sim-export').addEventListener('click', () => {
  void simulated.exportZip().then((blob) => {
    saveToDesktop(blob, 'simulator-files.zip');
    setStatus('Simulator: files exported as simulator-files.zip');
  });
});
const importInput = byId<HTMLInputElement>('sim-import-file');
byId('sim-import').addEventListener('click', () => importInput.click());
importInput.addEventListener('change', async () => {
  const file = importInput.files?.[0];
  importInput.value = '';
  if (!file) return;
  try {
    const count = await simulated.importZip(new Uint8Array(await file.arrayBuffer()));
    setStatus(`Simulator: ${count} file${count === 1 ? '' : 's'} imported from ${file.name}`);
    if (picker.selected().kind === 'simulator') await files.board.refresh();
  } catch (err) {
    await tellError(`Could not import ${file.name}`, messageOf(err));
  }
});

// The reset menu: a menu button with soft and hard reset.
const resetMenu = byId('reset-options');
const resetToggle = byId('reset-menu');
function closeResetMenu(focus = false) {
  resetMenu.hidden = true;
  resetToggle.setAttribute('aria-expanded', 'false');
  if (focus) resetToggle.focus();
}
resetToggle.addEventListener('click', () => {
  const open = resetMenu.hidden;
  resetMenu.hidden = !open;
  resetToggle.setAttribute('aria-expanded', String(open));
  if (open) resetMenu.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
});
resetMenu.addEventListener('click', (event) => {
  const kind = (event.target as HTMLElement).closest<HTMLElement>('[data-reset]')?.dataset.reset;
  closeResetMenu(true);
  if (kind === 'soft' || kind === 'hard') void reset(kind);
});
resetMenu.addEventListener('keydown', (event) => {
  const items = [...resetMenu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  const at = items.indexOf(document.activeElement as HTMLElement);
  if (event.key === 'ArrowDown') items[(at + 1) % items.length].focus();
  else if (event.key === 'ArrowUp') items[(at - 1 + items.length) % items.length].focus();
  else if (event.key === 'Escape' || event.key === 'Tab') closeResetMenu(true);
  else return;
  event.preventDefault();
});
document.addEventListener('pointerdown', (event) => {
  if (!resetMenu.hidden && !(event.target as HTMLElement).closest('.split-button')) closeResetMenu();
});

// The side panels' buttons: one set from the page's template in each panel, named for it
// ("New file in project", "New file on board").
for (const bar of document.querySelectorAll<HTMLElement>('.side-actions')) {
  bar.append(byId<HTMLTemplateElement>('side-actions').content.cloneNode(true));
  const which = bar.dataset.tree === 'board' ? 'board' : 'project';
  const names: Record<string, string> =
    which === 'board'
      ? { 'new-file': 'New file on board', 'new-folder': 'New folder on board', upload: 'Upload files to board', refresh: 'Refresh board files' }
      : { 'new-file': 'New file in project', 'new-folder': 'New folder in project', upload: 'Upload files to project', refresh: 'Refresh project files' };
  for (const button of bar.querySelectorAll<HTMLButtonElement>('[data-action]')) {
    button.setAttribute('aria-label', names[button.dataset.action ?? '']);
    button.dataset.tree = which;
  }
}
for (const button of document.querySelectorAll<HTMLButtonElement>('.side-actions [data-action]')) {
  const which = button.dataset.tree === 'board' ? 'board' : 'project';
  const tree = which === 'board' ? files.board : files.project;
  button.addEventListener('click', () => {
    const action = button.dataset.action;
    if (action === 'new-file') tree.startCreate(false);
    else if (action === 'new-folder') tree.startCreate(true);
    else if (action === 'upload') files.pick(which);
    else if (action === 'refresh') {
      void tree.refresh();
      if (which === 'board') files.refreshDf();
    }
  });
}

// Terminal and plotter tabs.
const bottomTabs = { terminal: byId('tab-terminal'), plotter: byId('tab-plotter') };
const bottom = remembered<{ panel: 'terminal' | 'plotter' }>('bottom', { panel: 'terminal' });
function showBottom(panel: 'terminal' | 'plotter') {
  for (const [name, tab] of Object.entries(bottomTabs)) {
    const on = name === panel;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    byId(`panel-${name}`).hidden = !on;
  }
  for (const id of ['plot-caption', 'plot-pause', 'plot-csv', 'plot-clear']) byId(id).hidden = panel !== 'plotter';
  byId('clear-terminal').hidden = panel !== 'terminal';
  bottom.set({ panel });
  if (panel === 'plotter') plotter.resize();
}
for (const [name, tab] of Object.entries(bottomTabs) as ['terminal' | 'plotter', HTMLElement][]) {
  tab.addEventListener('click', () => showBottom(name));
  tab.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next = name === 'terminal' ? 'plotter' : 'terminal';
    showBottom(next);
    bottomTabs[next].focus();
  });
}
byId('plot-pause').addEventListener('click', () => {
  plotter.setPaused(!plotter.paused);
  byId('plot-pause').setAttribute('aria-pressed', String(plotter.paused));
  byId('plot-pause').textContent = plotter.paused ? 'Resume' : 'Pause';
});
byId('plot-clear').addEventListener('click', () => plotter.clear());
byId('plot-csv').addEventListener('click', () => {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([plotter.csv()], { type: 'text/csv' }));
  link.download = 'plot.csv';
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});
showBottom(bottom.get().panel);

started = true;
setStatus('Ready');
boardChanged();
void picker.refresh();
editor.focus();
