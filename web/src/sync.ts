// Sync project to board: first a preview of what differs (new, changed, unchanged, only on the
// board, with sizes, from the server's dry run), then the server's sync sends only the new and
// changed files, each atomic and verified, with progress; afterwards a soft reset runs main.py.
// A board whose files the page holds itself (the simulator) is compared and written here, in
// the page, through its store, with the same preview and the same result.

import { api, ApiError, type Board, messageOf, type SyncItem, type SyncPreview, type SyncResult } from './api';
import { showDialog, tellError } from './dialogs';
import { formatSize } from './format';
import { localStore, onTransfer, projectStore, type Store, walk } from './stores';
import type { TransferBar } from './transfer';

/** How one board compares and receives the project. */
interface Syncer {
  preview(): Promise<SyncPreview>;
  /** Sends what differs; `progress(path, done)` as each file's bytes arrive. */
  sync(progress: (path: string, done: number) => void): Promise<SyncResult>;
  cancel(): void;
}

function serverSyncer(board: Board): Syncer {
  return {
    preview: () => api.preview(board.id, '', '/'),
    async sync(progress) {
      const stop = onTransfer((event) => {
        if (event.board === board.id) progress(event.path, event.done);
      });
      try {
        return await api.sync(board.id, '', '/');
      } finally {
        stop();
      }
    },
    cancel: () => void api.cancel(board.id).catch(() => {}),
  };
}

/** The project against a store the page holds, file by file. */
function localSyncer(store: Store): Syncer {
  let cancelled = false;
  const compare = async () => {
    const project = await walk(projectStore, '');
    const onBoard = new Map((await walk(store, '/')).map(({ entry }) => [entry.path, entry]));
    const plan: SyncPreview & { bytes: Map<string, Uint8Array> } = { new: [], changed: [], unchanged: [], only_on_board: [], bytes: new Map() };
    for (const { entry, rel } of project) {
      const path = `/${rel}`;
      const bytes = await projectStore.read(entry.path);
      plan.bytes.set(path, bytes);
      const there = onBoard.get(path);
      onBoard.delete(path);
      const item = { path, size: bytes.length };
      if (!there) plan.new.push(item);
      else if (there.size === bytes.length && same(await store.read(path), bytes)) plan.unchanged.push(item);
      else plan.changed.push(item);
    }
    plan.only_on_board = [...onBoard.values()].map((e) => ({ path: e.path, size: e.size }));
    for (const list of [plan.new, plan.changed, plan.unchanged, plan.only_on_board]) list.sort((a, b) => a.path.localeCompare(b.path));
    return plan;
  };
  return {
    preview: compare,
    async sync(progress) {
      cancelled = false;
      const plan = await compare();
      const sent = [];
      for (const { path } of [...plan.new, ...plan.changed]) {
        if (cancelled) throw new ApiError(409, 'cancelled', 'sync cancelled');
        const parts = path.split('/').slice(1, -1);
        for (let i = 1; i <= parts.length; i++) await store.mkdir(`/${parts.slice(0, i).join('/')}`).catch(() => {});
        await store.write(path, plan.bytes.get(path) as Uint8Array, (done) => progress(path, done)).done;
        sent.push(path);
      }
      return { sent, unchanged: plan.unchanged.map((i) => i.path) };
    },
    cancel() {
      cancelled = true;
    },
  };
}

function same(a: Uint8Array, b: Uint8Array) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function section(title: string, items: SyncItem[], kind: string): HTMLElement {
  const box = document.createElement('section');
  box.className = `sync-group sync-${kind}`;
  const heading = document.createElement('h3');
  heading.textContent = `${title} (${items.length})`;
  box.append(heading);
  if (items.length === 0) {
    const none = document.createElement('p');
    none.className = 'muted';
    none.textContent = 'None';
    box.append(none);
    return box;
  }
  const list = document.createElement('ul');
  list.setAttribute('aria-label', title);
  for (const item of items) {
    const li = document.createElement('li');
    const path = document.createElement('span');
    path.className = 'sync-path';
    path.textContent = item.path;
    const size = document.createElement('span');
    size.className = 'sync-size';
    size.textContent = formatSize(item.size);
    li.append(path, size);
    list.append(li);
  }
  box.append(list);
  return box;
}

/** Runs the whole sync conversation; `status` reports, `reset` soft-resets the board. */
export async function syncProject(board: Board, transfer: TransferBar, status: (text: string, ok?: boolean) => void, reset: () => Promise<void>) {
  status(`Comparing the project with ${board.name}…`);
  const local = localStore(board);
  const syncer = local ? localSyncer(local) : serverSyncer(board);
  let preview;
  try {
    preview = await syncer.preview();
  } catch (err) {
    status(`Sync: ${messageOf(err)}`, false);
    await tellError('Could not compare the project with the board', messageOf(err));
    return;
  }
  const sending = [...preview.new, ...preview.changed];
  const body = document.createElement('div');
  body.className = 'sync-preview';
  const intro = document.createElement('p');
  intro.textContent = sending.length
    ? `${sending.length} file${sending.length === 1 ? '' : 's'} (${formatSize(sending.reduce((s, i) => s + i.size, 0))}) will be written to ${board.name}. Files only on the board are left alone.`
    : `${board.name} already has every file of the project.`;
  body.append(
    intro,
    section('New', preview.new, 'new'),
    section('Changed', preview.changed, 'changed'),
    section('Unchanged', preview.unchanged, 'unchanged'),
    section('Only on the board', preview.only_on_board, 'only'),
  );
  status(`Sync preview: ${preview.new.length} new, ${preview.changed.length} changed, ${preview.unchanged.length} unchanged`);
  const go = await showDialog(
    `Sync project to ${board.name}`,
    body,
    sending.length ? [{ label: 'Cancel', value: false }, { label: `Upload ${sending.length} file${sending.length === 1 ? '' : 's'}`, value: true, kind: 'primary' }] : [{ label: 'Close', value: false, kind: 'primary' }],
    false,
    true,
  );
  if (!go) return;

  const sizes = new Map(sending.map((i) => [i.path, i.size]));
  const total = sending.reduce((s, i) => s + i.size, 0);
  const finished = new Map<string, number>();
  const progress = transfer.begin(`Syncing to ${board.name}`, total, () => syncer.cancel());
  let result;
  try {
    result = await syncer.sync((path, done) => {
      if (!sizes.has(path)) return;
      finished.set(path, done);
      progress.label(`Syncing ${path} (${[...finished.keys()].length} of ${sending.length})`);
      progress.update([...finished.values()].reduce((s, n) => s + n, 0));
    });
  } catch (err) {
    const cancelled = err instanceof ApiError && err.code === 'cancelled';
    status(cancelled ? 'Sync cancelled: files not yet sent keep their old contents' : `Sync failed: ${messageOf(err)}`, false);
    if (!cancelled) await tellError('Sync failed', messageOf(err));
    return;
  } finally {
    progress.end();
  }
  status(`Synced: ${result.sent.length} sent, ${result.unchanged.length} unchanged`);
  const again = await showDialog(
    'Sync done',
    `${result.sent.length} file${result.sent.length === 1 ? '' : 's'} written to ${board.name}, ${result.unchanged.length} already up to date.`,
    [
      { label: 'Close', value: false },
      { label: 'Soft reset to run main.py', value: true, kind: 'primary' },
    ],
    false,
  );
  if (again) await reset();
}
