// The board picker: the in-page simulator and every board the server knows (`GET
// /api/boards`), kept current by the server's events so that boards plugged in or unplugged
// show up at once, each with its connection state. The choice is remembered.

import { api, type Board } from './api';
import { remembered } from './store';

/** The simulator's entry in the board list (simulator.ts is the board). */
export const SIMULATOR: Board = { id: 'simulator', name: 'Simulator', kind: 'simulator', port: 'in this page', usb: null, connected: true };

export interface Picker {
  /** The chosen board (the simulator is one). */
  selected(): Board;
  /** The server's boards and the simulator. */
  boards(): Board[];
  /** Re-reads the board list, keeping the choice when that board is still there. */
  refresh(): Promise<void>;
  choose(id: string): void;
}

/** How a board reads in the picker: its name, where it is, and whether it is connected. */
export function label(board: Board): string {
  const name = board.kind === 'virtual' && !/virtual/i.test(board.name) ? `${board.name} (virtual)` : board.name;
  const state = board.connected ? '' : ' (not connected)';
  const where = board.kind === 'virtual' || board.name === board.port ? '' : ` · ${board.port}`;
  return `${board.connected ? '●' : '○'} ${name}${state}${where}`;
}

/** Fills `select`; `changed` runs whenever the choice or the list changes. */
export function createPicker(select: HTMLSelectElement, changed: () => void): Picker {
  const memory = remembered<{ board: string | null }>('board', { board: null });
  let boards: Board[] = [];
  let loaded = false;

  function render(problem?: string) {
    const previous = select.value || memory.get().board;
    select.replaceChildren(new Option('Simulator (in this page)', SIMULATOR.id));
    for (const board of boards) select.append(new Option(label(board), board.id));
    if (problem) {
      const note = new Option(problem, '', false, false);
      note.disabled = true;
      select.append(note);
    }
    const keep = previous && (previous === SIMULATOR.id || boards.some((b) => b.id === previous));
    // A real board when one is plugged in, else the simulator.
    const preferred = boards.find((b) => b.kind === 'serial')?.id ?? SIMULATOR.id;
    select.value = keep ? (previous as string) : preferred;
    changed();
  }

  const picker: Picker = {
    selected: () => boards.find((b) => b.id === select.value) ?? SIMULATOR,
    boards: () => [...boards, SIMULATOR],
    async refresh() {
      try {
        boards = await api.boards();
        loaded = true;
        render();
      } catch (err) {
        if (!loaded) boards = [];
        render('Board list unavailable');
        console.warn('GET /api/boards failed:', err);
      }
    },
    choose(id) {
      select.value = id;
      memory.set({ board: id });
      changed();
    },
  };
  select.addEventListener('change', () => picker.choose(select.value));
  render();
  return picker;
}
