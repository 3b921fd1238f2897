// The two file trees, Project and Board, and what their actions do: open into a tab, save back
// to where a file came from, new file and folder, rename, delete, upload (file picker, or drop
// from the desktop, folders too), download (a folder as .zip), and copying between the trees
// by dragging. Long transfers show their progress and can be cancelled.

import { api, ApiError, type Board, type Entry, messageOf } from './api';
import { confirmAction, tellError } from './dialogs';
import { formatSize } from './format';
import type { Doc, Place, Tabs } from './tabs';
import type { TransferBar } from './transfer';
import { createTree, joinPath, parentOf, type Tree } from './tree';
import {
  boardStore,
  download,
  droppedFiles,
  filesOf,
  makeDirs,
  type Outgoing,
  pickedFiles,
  projectStore,
  type Store,
} from './stores';

/** Dragged between the trees: which store and entry. */
const DRAG_TYPE = 'application/x-copperhead-entry';

export interface Files {
  readonly project: Tree;
  readonly board: Tree;
  /** The store of the board tree (null for the simulator). */
  boardStore(): Store | null;
  setBoard(board: Board | null): void;
  /** Opens the file at `path` of `store` in a tab; `quiet`: a file that can't be read is no error to show. */
  open(store: Store, path: string, quiet?: boolean): Promise<boolean>;
  /** Writes a tab back to where it came from. */
  save(doc: Doc): Promise<boolean>;
  /** Writes `text` to `path` in `store`, with progress; resolves true when written. */
  write(store: Store, path: string, data: Uint8Array, what?: string): Promise<boolean>;
  /** Puts `files` into folder `dir` of `store`, making folders, with one progress bar. */
  put(store: Store, dir: string, files: Outgoing[], what?: string): Promise<boolean>;
  /** Reads free space again. */
  refreshDf(): void;
  storeOf(place: Place): Store | null;
  /** Opens the file picker to upload into the selected folder of a tree. */
  pick(which: 'project' | 'board'): void;
}

export interface FilesDeps {
  tabs: () => Tabs;
  transfer: TransferBar;
  status(text: string, ok?: boolean): void;
  /** Asks for a project path for a file never saved. */
  askName(doc: Doc): Promise<string | null>;
  /** A board the server knows, chosen or not. */
  boardById(id: string): Board | null;
  dfElement: HTMLElement;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Why `name` can't be a file's name (null when it can); `nested` allows `a/b/c.py`. */
export function badName(name: string, nested: boolean): string | null {
  if (/[\\\x00-\x1f\x7f]/.test(name)) return `A name can't contain a backslash or control characters.`;
  if (!nested && name.includes('/')) return `A name can't contain "/": drag the file to move it to another folder.`;
  if (name.startsWith('/') || name.endsWith('/')) return `A name can't start or end with "/".`;
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) return `"${name}" is not a name a file can have.`;
  return null;
}

/** The entry at `path` in `store`, or null when there is none. */
async function stat(store: Store, path: string): Promise<Entry | null> {
  const dir = parentOf(path, store.root);
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return (await store.list(dir)).find((e) => e.name === name) ?? null;
  } catch {
    return null;
  }
}

const exists = async (store: Store, path: string) => (await stat(store, path)) !== null;
const encoder = new TextEncoder();

export function createFiles(projectHost: HTMLElement, boardHost: HTMLElement, deps: FilesDeps): Files {
  let board: Store | null = null;

  const storeOfTree = (which: 'project' | 'board') => (which === 'project' ? projectStore : board);

  function actions(which: 'project' | 'board') {
    return {
      open(entry: Entry) {
        const store = storeOfTree(which);
        if (store) void files.open(store, entry.path);
      },
      async create(dir: string, name: string, folder: boolean) {
        const store = storeOfTree(which);
        if (!store) return;
        // `a/b/c.py` makes the folders on the way, as people expect from a path.
        const problem = badName(name, true);
        if (problem) return void (await failed(`Cannot create ${name}`, new Error(problem)));
        const path = joinPath(dir, name);
        try {
          if (await exists(store, path)) return void (await failed(`Cannot create ${name}`, new Error(`${path} already exists on ${store.title}.`)));
          await makeDirs(store, parentOf(path, store.root), new Set());
          if (folder) await store.mkdir(path);
          else await store.write(path, new Uint8Array()).done;
          deps.status(`Created ${path} on ${store.title}`);
        } catch (err) {
          await failed(`Could not create ${name}`, err);
          await treeOf(which).refresh();
          return;
        }
        await treeOf(which).refresh();
        await treeOf(which).select(path);
        if (!folder) await files.open(store, path);
        if (which === 'board') files.refreshDf();
      },
      async rename(entry: Entry, name: string) {
        const store = storeOfTree(which);
        if (!store) return;
        const problem = badName(name, false);
        if (problem) return void (await failed(`Cannot rename ${entry.name}`, new Error(problem)));
        await move(which, entry, joinPath(parentOf(entry.path, store.root), name));
      },
      remove(entry: Entry) {
        void (async () => {
          const store = storeOfTree(which);
          if (!store) return;
          const what = entry.dir ? `the folder ${entry.name} and everything in it` : entry.name;
          if (!(await confirmAction(`Delete ${entry.name}?`, `This deletes ${what} from ${store.title}. It cannot be undone.`, 'Delete', true))) return;
          try {
            await store.remove(entry.path, entry.dir);
            deps.status(`Deleted ${entry.path} from ${store.title}`);
          } catch (err) {
            await failed(`Could not delete ${entry.name}`, err);
          }
          await treeOf(which).refresh();
          treeOf(which).focus();
          if (which === 'board') files.refreshDf();
        })();
      },
      drop(dir: string, data: DataTransfer) {
        const store = storeOfTree(which);
        if (!store) return;
        const inner = data.getData(DRAG_TYPE);
        if (inner) {
          const { from, entry } = JSON.parse(inner) as { from: 'project' | 'board'; entry: Entry };
          const source = storeOfTree(from);
          if (!source) return;
          if (from === which) {
            // Within one tree a drop moves the entry into the folder (not into itself).
            if (parentOf(entry.path, store.root) !== dir && dir !== entry.path && !dir.startsWith(`${entry.path}/`)) {
              void move(which, entry, joinPath(dir, entry.name));
            }
            return;
          }
          void (async () => {
            try {
              const outgoing = await filesOf(source, entry);
              await files.put(store, dir, outgoing);
            } catch (err) {
              await failed(`Could not copy ${entry.name}`, err);
            }
          })();
          return;
        }
        void (async () => {
          const outgoing = await droppedFiles(data);
          if (outgoing.length) await files.put(store, dir, outgoing);
        })();
      },
      drag(entry: Entry, data: DataTransfer) {
        data.setData(DRAG_TYPE, JSON.stringify({ from: which, entry }));
        data.setData('text/plain', entry.path);
        const store = storeOfTree(which);
        // Dragging a file out of the page onto the desktop saves it there (Chromium).
        if (store && !entry.dir && store.url(entry.path)) data.setData('DownloadURL', `application/octet-stream:${entry.name}:${new URL(store.url(entry.path), location.href)}`);
      },
      menu(entry: Entry) {
        const store = storeOfTree(which);
        if (!store) return [];
        const other = storeOfTree(which === 'project' ? 'board' : 'project');
        const items = [{ label: entry.dir ? 'Download as .zip' : 'Download', run: () => void download(store, entry).catch((err) => failed(`Could not download ${entry.name}`, err)) }];
        if (other) {
          items.push({
            label: which === 'project' ? `Upload to ${other.title}` : 'Copy to the project',
            run: () =>
              void filesOf(store, entry)
                .then((outgoing) => files.put(other, other.root, outgoing))
                .catch((err) => failed(`Could not copy ${entry.name}`, err)),
          });
        }
        return items;
      },
    };
  }

  /** Renames or moves `entry` to `to` in its tree's store, asking before replacing a file; open tabs follow. */
  async function move(which: 'project' | 'board', entry: Entry, to: string) {
    const store = storeOfTree(which);
    if (!store) return;
    const name = to.slice(to.lastIndexOf('/') + 1);
    try {
      const there = await stat(store, to);
      if (there) {
        if (there.dir || entry.dir) return void (await failed(`Cannot move ${entry.name}`, new Error(`${to} already exists on ${store.title}.`)));
        const replace = await confirmAction(
          `Replace ${name}?`,
          `${to} already exists on ${store.title} (${formatSize(there.size)}). Replace it with ${entry.name} (${formatSize(entry.size)})?`,
          'Replace',
          true,
        );
        if (!replace) return;
        await store.remove(to, false);
      }
      await store.rename(entry.path, to);
      deps.status(`Moved ${entry.path} to ${to} on ${store.title}`);
      for (const doc of deps.tabs().all()) {
        const place = doc.place;
        if (place.kind === 'new' || place.kind !== store.kind) continue;
        if (place.kind === 'board' && place.board !== store.board?.id) continue;
        if (place.path === entry.path || place.path.startsWith(`${entry.path}/`)) {
          deps.tabs().saved(doc, doc.saved, { ...place, path: to + place.path.slice(entry.path.length) });
        }
      }
    } catch (err) {
      await failed(`Could not move ${entry.name}`, err);
    }
    await treeOf(which).refresh();
    await treeOf(which).select(to);
  }

  const projectTree = createTree('Project files', actions('project'));
  const boardTree = createTree('Board files', actions('board'));
  projectHost.append(projectTree.element);
  boardHost.append(boardTree.element);
  projectTree.setSource(projectStore);
  const treeOf = (which: 'project' | 'board') => (which === 'project' ? projectTree : boardTree);

  async function failed(title: string, err: unknown) {
    const message = messageOf(err);
    deps.status(`${title}: ${message}`, false);
    if (!(err instanceof ApiError && err.code === 'cancelled')) await tellError(title, message);
  }

  let dfSerial = 0;
  const pickerInputs: Partial<Record<'project' | 'board', HTMLInputElement>> = {};

  const files: Files = {
    project: projectTree,
    board: boardTree,
    boardStore: () => board,
    setBoard(next) {
      board = next ? boardStore(next) : null;
      boardTree.setSource(board, 'The simulator keeps no files between runs yet. Pick a board to manage its files.');
      files.refreshDf();
    },
    async open(store, path, quiet = false) {
      const place: Place = store.kind === 'project' ? { kind: 'project', path } : { kind: 'board', board: store.board!.id, boardName: store.title, path };
      const tabs = deps.tabs();
      let doc = tabs.find(place);
      if (!doc) {
        if (!quiet) deps.status(`Opening ${path}…`);
        let text: string;
        try {
          const bytes = await store.read(path);
          try {
            text = decoder.decode(bytes);
          } catch {
            await tellError(`Cannot open ${path}`, `${path} is not a text file (${formatSize(bytes.length)} of binary data). Download it instead.`);
            return false;
          }
        } catch (err) {
          if (!quiet) await failed(`Could not open ${path}`, err);
          return false;
        }
        doc = tabs.open(place, text);
        deps.status(`Opened ${path} from ${store.title}`);
      } else tabs.activate(doc);
      return true;
    },
    async save(doc) {
      const tabs = deps.tabs();
      const text = tabs.text(doc);
      let place = doc.place;
      if (place.kind === 'new') {
        const path = await deps.askName(doc);
        if (!path) return false;
        place = { kind: 'project', path };
      }
      const store = files.storeOf(place);
      if (!store) {
        await tellError('Cannot save', `${place.kind === 'board' ? place.boardName : 'That board'} is not connected to the server any more.`);
        return false;
      }
      const ok = await files.write(store, place.path, encoder.encode(text));
      if (ok) {
        tabs.saved(doc, text, place);
        deps.status(`Saved ${place.path} to ${store.title}`);
      }
      return ok;
    },
    async write(store, path, data, what = path) {
      return files.put(store, parentOf(path, store.root), [{ rel: path.slice(path.lastIndexOf('/') + 1), size: data.length, bytes: async () => data }], what);
    },
    async put(store, dir, outgoing, what) {
      const total = outgoing.reduce((sum, f) => sum + f.size, 0);
      let current: { cancel(): void } | null = null;
      const progress = deps.transfer.begin(what ? `Saving ${what}` : `Uploading to ${store.title}`, total, () => current?.cancel());
      let before = 0;
      const made = new Set<string>();
      let ok = false;
      try {
        for (const [index, file] of outgoing.entries()) {
          if (progress.cancelled) throw new ApiError(0, 'cancelled', 'cancelled');
          const path = joinPath(dir, file.rel);
          progress.label(`${what ? 'Saving' : 'Uploading'} ${file.rel}${outgoing.length > 1 ? ` (${index + 1} of ${outgoing.length})` : ''} to ${store.title}`);
          await makeDirs(store, parentOf(path, store.root), made);
          const data = await file.bytes();
          const upload = store.write(path, data, (done) => progress.update(before + Math.min(done, data.length)));
          current = upload;
          await upload.done;
          before += data.length;
          progress.update(before);
        }
        ok = true;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'cancelled') deps.status(`Cancelled: the files on ${store.title} are as they were`, false);
        else await failed(what ? `Could not save ${what}` : `Could not upload to ${store.title}`, err);
      }
      progress.end();
      await treeOf(store.kind).refresh();
      if (store.kind === 'board') files.refreshDf();
      // Said once the tree shows the result.
      if (ok) deps.status(outgoing.length === 1 && what ? `Saved ${what} to ${store.title}` : `Uploaded ${outgoing.length} file${outgoing.length === 1 ? '' : 's'} (${formatSize(total)}) to ${store.title}`);
      return ok;
    },
    refreshDf() {
      const serial = ++dfSerial;
      const element = deps.dfElement;
      if (!board?.df) {
        element.textContent = '';
        element.hidden = true;
        return;
      }
      element.hidden = false;
      void board
        .df()
        .then((mounts) => {
          if (serial !== dfSerial) return;
          const root = mounts.find((m) => m.mount === '/') ?? mounts[0];
          if (!root) {
            element.textContent = 'No filesystem';
            return;
          }
          const used = root.size ? Math.round((root.used / root.size) * 100) : 0;
          element.textContent = `${formatSize(root.free)} free of ${formatSize(root.size)}`;
          element.style.setProperty('--used', `${used}%`);
          element.title = mounts.map((m) => `${m.mount}: ${formatSize(m.free)} free of ${formatSize(m.size)}`).join('\n');
        })
        .catch(() => {
          if (serial === dfSerial) element.textContent = 'Free space unknown';
        });
    },
    storeOf(place) {
      if (place.kind === 'project') return projectStore;
      if (place.kind === 'board') {
        if (board?.board?.id === place.board) return board;
        const other = deps.boardById(place.board);
        return other ? boardStore(other) : null;
      }
      return null;
    },
    pick(which) {
      if (storeOfTree(which)) pickerInputs[which]?.click();
    },
  };

  // Upload buttons: a hidden file input per tree.
  const pickers = { project: projectHost, board: boardHost };
  for (const [which, host] of Object.entries(pickers) as ['project' | 'board', HTMLElement][]) {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.hidden = true;
    input.setAttribute('aria-hidden', 'true');
    input.tabIndex = -1;
    input.addEventListener('change', () => {
      const store = storeOfTree(which);
      if (store && input.files?.length) void files.put(store, treeOf(which).targetDir(), pickedFiles(input.files));
      input.value = '';
    });
    host.append(input);
    pickerInputs[which] = input;
  }
  return files;
}
