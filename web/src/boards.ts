// The board picker: lists the boards the server knows (`GET /api/boards`) and runs code on the
// chosen one (`POST /api/boards/{id}/exec`).

export interface Board {
  id: string;
  name: string;
  kind: string;
  port: string;
  usb: string | null;
  connected: boolean;
}

/** What the server answers to an exec request. */
export interface ExecResult {
  stdout: string;
  error: null | { type: string; message: string; traceback: string; file: string | null; line: number | null };
}

export interface Boards {
  /** Re-reads the board list, keeping the current choice when that board is still there. */
  refresh(): Promise<void>;
  /** The chosen board, if any. */
  selected(): Board | null;
  /** Runs `code` on the chosen board; rejects with a readable message if the server refuses. */
  exec(code: string): Promise<ExecResult>;
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
      for (const board of boards) {
        const label = board.kind === 'virtual' ? virtualLabel(board.name) : `${board.name} · ${board.port}`;
        select.append(new Option(label, board.id));
      }
      select.disabled = false;
      const keep = boards.some((b) => b.id === previous);
      // Prefer a real board over the virtual one when nothing was chosen before.
      const preferred = boards.find((b) => b.kind !== 'virtual') ?? boards[0];
      select.value = keep ? previous : preferred.id;
    }
    changed();
  }

  select.addEventListener('change', changed);

  return {
    async refresh() {
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
    },
    selected() {
      return boards.find((b) => b.id === select.value) ?? null;
    },
    async exec(code) {
      const board = this.selected();
      if (!board) throw new Error('no board selected');
      const response = await fetch(`/api/boards/${encodeURIComponent(board.id)}/exec`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ code }),
      });
      if (!response.ok) throw new Error(`${board.name}: ${await errorText(response)}`);
      return (await response.json()) as ExecResult;
    },
  };
}

/** A virtual board's name, saying once that it is virtual. */
function virtualLabel(name: string): string {
  return /virtual/i.test(name) ? name : `${name} (virtual)`;
}

/** The server's error message from a failed response, whatever shape the body has. */
async function errorText(response: Response): Promise<string> {
  const body = await response.text();
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    const detail = json.message ?? json.error;
    if (typeof detail === 'string') return detail;
  } catch {
    // not JSON: use the text as is
  }
  return body.trim() || `${response.status} ${response.statusText}`;
}
