// The board picker: lists the boards the server knows (`GET /api/boards`), follows the
// server's `/api/events` so that boards plugged in or unplugged show up at once, and runs code
// on the chosen one through the run WebSocket (`/api/boards/{id}/run`): output streams as the
// board prints it, and Stop interrupts the program.

export interface Usb {
  vid: number;
  pid: number;
  manufacturer: string | null;
  product: string | null;
  serial_number: string | null;
}

export interface Board {
  id: string;
  name: string;
  kind: 'serial' | 'webrepl' | 'virtual' | 'socket';
  port: string;
  usb: Usb | null;
  connected: boolean;
}

/** An uncaught exception on the board, or a failure to reach it. */
export interface BoardError {
  type: string;
  message: string;
  traceback: string;
  file: string | null;
  line: number | null;
}

/** A program running on a board. */
export interface BoardRun {
  /** Resolves when the program has ended: with its error, or null. */
  readonly done: Promise<BoardError | null>;
  /** Interrupts the program (Ctrl-C on the board). */
  stop(): void;
}

export interface Boards {
  /** Re-reads the board list, keeping the current choice when that board is still there. */
  refresh(): Promise<void>;
  /** The chosen board, if any. */
  selected(): Board | null;
  /** Runs `code` on the chosen board, passing its output to `output` as it arrives. */
  run(code: string, output: (text: string) => void): BoardRun;
}

/** Fills `select` with the server's boards; `changed` runs whenever the choice or list changes. */
export function createBoards(select: HTMLSelectElement, changed: () => void): Boards {
  let boards: Board[] = [];

  function render(message?: string) {
    const previous = select.value;
    select.replaceChildren();
    if (boards.length === 0) {
      select.append(new Option(message ?? 'No boards found', '', true, true));
      select.disabled = true;
    } else {
      for (const board of boards) select.append(new Option(label(board), board.id));
      select.disabled = false;
      const keep = boards.some((b) => b.id === previous);
      // Prefer a real board over the virtual one when nothing was chosen before.
      const preferred = boards.find((b) => b.kind !== 'virtual') ?? boards[0];
      select.value = keep ? previous : preferred.id;
    }
    changed();
  }

  async function refresh() {
    try {
      const response = await fetch('/api/boards', { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      boards = (await response.json()) as Board[];
      render();
    } catch (err) {
      boards = [];
      render('Board list unavailable');
      console.warn('GET /api/boards failed:', err);
    }
  }

  select.addEventListener('change', changed);
  followEvents(() => void refresh());

  return {
    refresh,
    selected() {
      return boards.find((b) => b.id === select.value) ?? null;
    },
    run(code, output) {
      const board = this.selected();
      if (!board) {
        return { done: Promise.resolve(failure('no board selected')), stop() {} };
      }
      return runOn(board, code, output);
    },
  };
}

/** `ws://` or `wss://` for a path of this server. */
function socketUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

/** Calls `changed` on every `boards_changed` from the server, reconnecting when the socket drops. */
function followEvents(changed: () => void) {
  let delay = 500;
  const open = () => {
    const socket = new WebSocket(socketUrl('/api/events'));
    socket.onopen = () => {
      delay = 500;
    };
    socket.onmessage = (event) => {
      try {
        if (JSON.parse(String(event.data)).type === 'boards_changed') changed();
      } catch {
        // not an event this page knows
      }
    };
    socket.onclose = () => {
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  open();
}

function runOn(board: Board, code: string, output: (text: string) => void): BoardRun {
  const socket = new WebSocket(socketUrl(`/api/boards/${encodeURIComponent(board.id)}/run`));
  let settle: (error: BoardError | null) => void = () => {};
  const done = new Promise<BoardError | null>((resolve) => {
    settle = resolve;
  });
  let finished = false;
  const finish = (error: BoardError | null) => {
    if (finished) return;
    finished = true;
    settle(error);
  };
  socket.onopen = () => socket.send(JSON.stringify({ code }));
  socket.onmessage = (event) => {
    let message: { type?: string; data?: string; error?: BoardError | null };
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return;
    }
    if (message.type === 'output' && typeof message.data === 'string') output(message.data);
    else if (message.type === 'done') finish(message.error ?? null);
  };
  socket.onclose = () => finish(failure(`${board.name}: the connection to the server closed`));
  return {
    done,
    stop() {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'stop' }));
    },
  };
}

function failure(message: string): BoardError {
  return { type: 'BoardError', message, traceback: '', file: null, line: null };
}

/** How a board reads in the picker: its name, where it is, and whether it is connected. */
function label(board: Board): string {
  if (board.kind === 'virtual') return /virtual/i.test(board.name) ? board.name : `${board.name} (virtual)`;
  const where = board.name === board.port ? board.port : `${board.name} · ${board.port}`;
  return board.connected ? where : `${where} (not connected)`;
}
