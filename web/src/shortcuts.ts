// Every keyboard shortcut of the page in one table: the key handler reads it, and so does the
// shortcut sheet (F1 or ?), so the sheet cannot list a key that does nothing.

import { showDialog } from './dialogs';

export interface Shortcut {
  /** Keys as shown, `Mod` being Ctrl (⌘ on a Mac). */
  keys: string[];
  does: string;
  /** Matches a keydown; absent for keys handled elsewhere (the tree's, the terminal's). */
  match?: (event: KeyboardEvent) => boolean;
  run?: () => void;
}

const mac = /Mac|iPhone|iPad/.test(navigator.platform);
const mod = (event: KeyboardEvent) => (mac ? event.metaKey : event.ctrlKey);

export function shortcutTable(actions: {
  run(): void;
  stop(): void;
  save(): void;
  saveToBoard(): void;
  newFile(): void;
  closeTab(): void;
  toggleSidebar(): void;
  toggleBottom(): void;
  focusTerminal(): void;
  focusEditor(): void;
  nextPanel(back: boolean): void;
  help(): void;
}): Shortcut[] {
  return [
    { keys: ['F5'], does: 'Run the current file', match: (e) => e.key === 'F5' && !e.shiftKey, run: actions.run },
    { keys: ['Mod', 'Enter'], does: 'Run the current file', match: (e) => mod(e) && e.key === 'Enter', run: actions.run },
    { keys: ['Shift', 'F5'], does: 'Stop the running program', match: (e) => e.key === 'F5' && e.shiftKey, run: actions.stop },
    { keys: ['Mod', 'S'], does: 'Save the file where it came from', match: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 's', run: actions.save },
    { keys: ['Mod', 'Shift', 'S'], does: 'Save the file to the board', match: (e) => mod(e) && e.shiftKey && e.key.toLowerCase() === 's', run: actions.saveToBoard },
    { keys: ['Alt', 'N'], does: 'New file in the project', match: (e) => e.altKey && !mod(e) && e.code === 'KeyN', run: actions.newFile },
    { keys: ['Alt', 'W'], does: 'Close the current tab', match: (e) => e.altKey && !mod(e) && e.code === 'KeyW', run: actions.closeTab },
    { keys: ['Mod', 'B'], does: 'Show or hide the files', match: (e) => mod(e) && e.key.toLowerCase() === 'b', run: actions.toggleSidebar },
    { keys: ['Mod', 'J'], does: 'Show or hide the terminal and plotter', match: (e) => mod(e) && e.key.toLowerCase() === 'j', run: actions.toggleBottom },
    { keys: ['Mod', '`'], does: 'Go to the terminal', match: (e) => mod(e) && e.code === 'Backquote', run: actions.focusTerminal },
    { keys: ['Mod', '1'], does: 'Go to the editor', match: (e) => mod(e) && e.key === '1', run: actions.focusEditor },
    { keys: ['F6'], does: 'Go to the next panel (Shift+F6: the one before)', match: (e) => e.key === 'F6' && !e.shiftKey, run: () => actions.nextPanel(false) },
    { keys: ['Shift', 'F6'], does: 'Go to the panel before', match: (e) => e.key === 'F6' && e.shiftKey, run: () => actions.nextPanel(true) },
    { keys: ['F1'], does: 'Show this list', match: (e) => e.key === 'F1', run: actions.help },
    { keys: ['?'], does: 'Show this list (outside the editor and terminal)' },
    { keys: ['Ctrl', 'Space'], does: 'Complete the name at the cursor (editor)' },
    { keys: ['Esc', 'Tab'], does: 'Leave the editor by keyboard (Tab alone indents)' },
    { keys: ['Ctrl', 'C'], does: 'Interrupt the board; copy when text is selected (terminal)' },
    { keys: ['Ctrl', 'V'], does: 'Paste; several lines go through paste mode (terminal)' },
    { keys: ['Ctrl', 'Shift', 'C'], does: 'Copy the selection (terminal)' },
    { keys: ['Ctrl', 'D'], does: 'Soft reset the board (terminal, at the prompt)' },
    { keys: ['Ctrl', 'E'], does: 'Paste mode (terminal)' },
    { keys: ['Tab'], does: 'Complete at the board’s prompt (terminal)' },
    { keys: ['F2'], does: 'Rename the selected file (file trees)' },
    { keys: ['Delete'], does: 'Delete the selected file (file trees)' },
    { keys: ['Shift', 'F10'], does: 'The selected file’s actions (file trees)' },
    { keys: ['←', '→', '↑', '↓'], does: 'Resize a panel (on its focused separator)' },
  ];
}

/** Handles the table's keys on `document`; `?` opens the sheet where typing is not going on. */
export function installShortcuts(table: Shortcut[], help: () => void) {
  document.addEventListener(
    'keydown',
    (event) => {
      const target = event.target as HTMLElement;
      // In the terminal, Ctrl and ⌘ keys belong to the board (Ctrl-A, Ctrl-B, Ctrl-D, Ctrl-E …);
      // function keys and Alt keys stay the page's.
      const inTerminal = !!target.closest('.xterm');
      for (const shortcut of table) {
        if (inTerminal && (event.ctrlKey || event.metaKey) && !/^F\d+$/.test(event.key)) break;
        if (shortcut.match?.(event) && shortcut.run) {
          event.preventDefault();
          event.stopPropagation();
          shortcut.run();
          return;
        }
      }
      const typing = target.closest('.cm-editor, .xterm, input, textarea, select, dialog');
      if (event.key === '?' && !typing) {
        event.preventDefault();
        help();
      }
    },
    true,
  );
}

export function showShortcuts(table: Shortcut[]): Promise<void> {
  const list = document.createElement('table');
  list.className = 'shortcuts';
  const caption = document.createElement('caption');
  caption.textContent = 'Every shortcut of the page';
  caption.className = 'visually-hidden';
  const head = document.createElement('thead');
  head.innerHTML = '<tr><th scope="col">Keys</th><th scope="col">What it does</th></tr>';
  const body = document.createElement('tbody');
  for (const shortcut of table) {
    const row = document.createElement('tr');
    const keys = document.createElement('td');
    shortcut.keys.forEach((key, i) => {
      if (i) keys.append(' + ');
      const kbd = document.createElement('kbd');
      kbd.textContent = key === 'Mod' ? (mac ? '⌘' : 'Ctrl') : key;
      keys.append(kbd);
    });
    const does = document.createElement('td');
    does.textContent = shortcut.does;
    row.append(keys, does);
    body.append(row);
  }
  list.append(caption, head, body);
  return showDialog('Keyboard shortcuts', list, [{ label: 'Close', value: undefined, kind: 'primary' }], undefined, true);
}
