// Talking to one board through the server: its REPL over the terminal WebSocket (bytes both
// ways; the server pauses it while an operation runs and shows the prompt again after), and a
// program run over the run WebSocket (output streamed as printed, Stop interrupts, the
// uncaught exception at the end).

import { api, type Board, type BoardError, type BoardInfo, sockets } from './api';

export interface Repl {
  send(data: string): void;
  close(): void;
}

export interface ReplEvents {
  output(bytes: Uint8Array): void;
  /** The link is up (`true`) or down (`false`); it reconnects by itself while open. */
  state(up: boolean, why?: string): void;
}

/** Opens `board`'s REPL; it reconnects after a drop until `close()`. */
export function openRepl(board: Board, events: ReplEvents): Repl {
  let socket: WebSocket | null = null;
  let closed = false;
  let delay = 500;
  const encoder = new TextEncoder();

  const connect = () => {
    const ws = new WebSocket(sockets.terminal(board.id));
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      delay = 500;
      events.state(true);
    };
    ws.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) events.output(new Uint8Array(event.data));
      else events.output(encoder.encode(String(event.data)));
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      if (closed) return;
      events.state(false, event.reason || `${board.name} is not answering; trying again`);
      setTimeout(() => !closed && connect(), delay);
      delay = Math.min(delay * 2, 8000);
    };
  };
  connect();

  return {
    send(data) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
    },
    close() {
      closed = true;
      socket?.close();
      socket = null;
    },
  };
}

/**
 * A board as the page drives it: its REPL, a program run, a hard reset, what it is. The
 * server's boards and the simulator (simulator.ts) both are one, so no panel tells them apart.
 */
export interface Connection {
  openRepl(events: ReplEvents): Repl;
  /** Runs `code` from the file `filename` (a server's board names it `<stdin>`, as mpremote's runs are). */
  run(code: string, filename: string, output: (text: string) => void): BoardRun;
  hardReset(): Promise<void>;
  info(): Promise<BoardInfo>;
}

/** A board behind the server. */
export function serverConnection(board: Board): Connection {
  return {
    openRepl: (events) => openRepl(board, events),
    run: (code, _filename, output) => runOn(board, code, output),
    hardReset: () => api.reset(board.id, 'hard').then(() => {}),
    info: () => api.info(board.id),
  };
}

/** A program running on a board. */
export interface BoardRun {
  /** The file name its tracebacks give. */
  readonly file: string;
  /** Resolves when the program has ended: with its error, or null. */
  readonly done: Promise<BoardError | null>;
  /** Interrupts the program (Ctrl-C on the board). */
  stop(): void;
  /** Types `data` into the program's standard input (`input()`); the board echoes it. */
  send(data: string): void;
}

export function runOn(board: Board, code: string, output: (text: string) => void): BoardRun {
  const socket = new WebSocket(sockets.run(board.id));
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
  socket.onclose = () => finish({ type: 'BoardError', message: `${board.name}: the connection to the server closed`, traceback: '', file: null, line: null });
  return {
    file: '<stdin>',
    done,
    stop() {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'stop' }));
    },
    send(data) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'input', data }));
    },
  };
}
