// Sync project to board: first a preview of what differs (new, changed, unchanged, only on the
// board, with sizes, from the server's dry run), then the server's sync sends only the new and
// changed files, each atomic and verified, with progress; afterwards a soft reset runs main.py.

import { api, ApiError, type Board, messageOf, type SyncItem } from './api';
import { showDialog, tellError } from './dialogs';
import { formatSize } from './format';
import { onTransfer } from './stores';
import type { TransferBar } from './transfer';

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
  let preview;
  try {
    preview = await api.preview(board.id, '', '/');
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
  const progress = transfer.begin(`Syncing to ${board.name}`, total, () => void api.cancel(board.id).catch(() => {}));
  const stop = onTransfer((event) => {
    if (event.board !== board.id || !sizes.has(event.path)) return;
    finished.set(event.path, event.done);
    progress.label(`Syncing ${event.path} (${[...finished.keys()].length} of ${sending.length})`);
    progress.update([...finished.values()].reduce((s, n) => s + n, 0));
  });
  let result;
  try {
    result = await api.sync(board.id, '', '/');
  } catch (err) {
    const cancelled = err instanceof ApiError && err.code === 'cancelled';
    status(cancelled ? 'Sync cancelled: files not yet sent keep their old contents' : `Sync failed: ${messageOf(err)}`, false);
    if (!cancelled) await tellError('Sync failed', messageOf(err));
    return;
  } finally {
    stop();
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
