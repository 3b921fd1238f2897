// A file tree as an ARIA tree: treeitems named by file name, folders expanded lazily, one
// selected item that keyboard focus follows (arrows, Home/End, Enter opens, F2 renames in
// place, Delete deletes, Shift+F10 or the context-menu key opens the item's menu), and drag
// and drop in, out and between trees. What the items are and what the actions do is the
// caller's: the tree only shows entries and says what the user asked for.

import type { Entry } from './api';
import { formatSize } from './format';

export interface TreeSource {
  /** The entries of folder `path`. */
  list(path: string): Promise<Entry[]>;
  /** The root folder's path: `''` for the project, `/` for a board. */
  readonly root: string;
}

export interface MenuItem {
  label: string;
  run(): void;
  danger?: boolean;
}

export interface TreeActions {
  open(entry: Entry): void;
  /** Makes `name` in `dir`; resolves once it exists. */
  create(dir: string, name: string, folder: boolean): Promise<void>;
  rename(entry: Entry, name: string): Promise<void>;
  /** Asks, then deletes. */
  remove(entry: Entry): void;
  /** Something was dropped on folder `dir`. */
  drop(dir: string, data: DataTransfer): void;
  /** What a dragged entry carries. */
  drag(entry: Entry, data: DataTransfer): void;
  /** The extra items of an entry's menu (Download, Upload to board …). */
  menu(entry: Entry): MenuItem[];
}

export interface Tree {
  readonly element: HTMLElement;
  setSource(source: TreeSource | null, empty?: string): void;
  /** Reloads the open folders, keeping what is expanded and selected. */
  refresh(): Promise<void>;
  /** The folder new things go in: the selected folder, the selected file's folder, or the root. */
  targetDir(): string;
  selected(): Entry | null;
  /** Starts naming a new file or folder in place, in `targetDir()`. */
  startCreate(folder: boolean): void;
  /** Starts renaming the selected item in place. */
  startRename(): void;
  /** Selects (and reveals) the item at `path` once it is listed. */
  select(path: string): Promise<void>;
  /** Puts the keyboard in the tree, on its selected item (or its first). */
  focus(): void;
}

interface TreeNode {
  entry: Entry;
  item: HTMLLIElement;
  row: HTMLElement;
  level: number;
}

export function parentOf(path: string, root: string): string {
  const cut = path.replace(/\/+$/, '').lastIndexOf('/');
  if (cut < 0) return root;
  return cut === 0 ? '/' : path.slice(0, cut);
}

export function joinPath(dir: string, name: string): string {
  if (dir === '') return name;
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

const byKindThenName = (a: Entry, b: Entry) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name, undefined, { numeric: true });

/**
 * The tree is flat in the DOM (every treeitem a child of the tree, its depth in `aria-level`),
 * the ARIA pattern that keeps each item's name its own text. It is drawn from `listings`
 * (each folder's entries as last read) and `expanded`, so a refresh keeps what was open.
 */
export function createTree(label: string, actions: TreeActions): Tree {
  const element = document.createElement('ul');
  element.className = 'tree';
  element.setAttribute('role', 'tree');
  element.setAttribute('aria-label', label);
  const message = document.createElement('p');
  message.className = 'tree-message';
  const wrapper = document.createElement('div');
  wrapper.className = 'tree-wrap';
  wrapper.append(element, message);

  let source: TreeSource | null = null;
  const listings = new Map<string, Entry[] | Error>();
  const expanded = new Set<string>();
  let nodes = new Map<string, TreeNode>();
  let current: string | null = null;
  let generation = 0;

  function setMessage(text: string) {
    message.textContent = text;
    message.hidden = text === '';
  }

  /** Reads folder `dir` (and the open folders inside it) into `listings`. */
  async function load(dir: string, gen: number) {
    if (!source) return;
    let entries: Entry[] | Error;
    try {
      entries = (await source.list(dir)).sort(byKindThenName);
    } catch (err) {
      entries = err instanceof Error ? err : new Error(String(err));
    }
    if (gen !== generation) return;
    listings.set(dir, entries);
    if (entries instanceof Error) return;
    await Promise.all(entries.filter((e) => e.dir && expanded.has(e.path)).map((e) => load(e.path, gen)));
  }

  /** Draws the items from `listings`, keeping the selection and the focus. */
  function draw() {
    const focused = element.contains(document.activeElement) && document.activeElement !== element;
    nodes = new Map();
    const items: HTMLElement[] = [];
    const walk = (dir: string, level: number) => {
      const listing = listings.get(dir);
      if (listing instanceof Error) {
        items.push(note(`Could not list: ${listing.message}`, level));
        return;
      }
      if (!listing) {
        items.push(note('Loading…', level));
        return;
      }
      listing.forEach((entry, i) => {
        const node = makeNode(entry, level, i + 1, listing.length);
        items.push(node.item);
        if (entry.dir && expanded.has(entry.path)) walk(entry.path, level + 1);
      });
    };
    if (source) walk(source.root, 1);
    element.replaceChildren(...items);
    const chosen = current ? nodes.get(current) : undefined;
    if (chosen) selectNode(chosen, focused);
    else {
      current = null;
      const first = nodes.values().next().value;
      if (first) first.item.tabIndex = 0;
    }
    element.tabIndex = nodes.size ? -1 : 0;
  }

  function note(text: string, level: number): HTMLElement {
    const li = document.createElement('li');
    li.className = 'tree-loading';
    li.setAttribute('role', 'none');
    li.style.setProperty('--level', String(level - 1));
    li.textContent = text;
    return li;
  }

  function makeNode(entry: Entry, level: number, position: number, count: number): TreeNode {
    const item = document.createElement('li');
    item.setAttribute('role', 'treeitem');
    item.setAttribute('aria-level', String(level));
    item.setAttribute('aria-setsize', String(count));
    item.setAttribute('aria-posinset', String(position));
    item.setAttribute('aria-selected', 'false');
    item.tabIndex = -1;
    item.dataset.path = entry.path;
    if (entry.dir) item.setAttribute('aria-expanded', String(expanded.has(entry.path)));

    const row = document.createElement('div');
    row.className = `tree-row ${entry.dir ? 'is-dir' : 'is-file'}`;
    row.style.setProperty('--level', String(level - 1));
    row.draggable = true;
    row.title = entry.dir ? entry.path : `${entry.path} (${formatSize(entry.size)})`;
    const twisty = document.createElement('span');
    twisty.className = 'twisty';
    twisty.setAttribute('aria-hidden', 'true');
    const icon = document.createElement('span');
    icon.className = `file-icon ${entry.dir ? 'folder' : iconClass(entry.name)}`;
    icon.setAttribute('aria-hidden', 'true');
    const name = document.createElement('span');
    name.className = 'tree-name';
    name.textContent = entry.name;
    row.append(twisty, icon, name);
    if (!entry.dir) {
      // The size is said as the item's description, so its name stays the file name.
      const size = document.createElement('span');
      size.className = 'tree-size';
      size.textContent = formatSize(entry.size);
      size.setAttribute('aria-hidden', 'true');
      item.setAttribute('aria-description', formatSize(entry.size));
      row.append(size);
    }
    item.append(row);

    const node: TreeNode = { entry, item, row, level };
    nodes.set(entry.path, node);

    row.addEventListener('click', () => {
      selectNode(node);
      if (entry.dir) void toggle(node);
    });
    row.addEventListener('dblclick', () => {
      if (!entry.dir) actions.open(entry);
    });
    row.addEventListener('contextmenu', (event) => {
      event.preventDefault();
      selectNode(node);
      openMenu(node, event.clientX, event.clientY);
    });
    row.addEventListener('dragstart', (event) => {
      if (!event.dataTransfer) return;
      event.dataTransfer.effectAllowed = 'copyMove';
      actions.drag(entry, event.dataTransfer);
    });
    if (entry.dir) dropTarget(row, () => entry.path);
    return node;
  }

  async function expand(node: TreeNode) {
    expanded.add(node.entry.path);
    draw();
    await load(node.entry.path, generation);
    draw();
  }

  function collapse(node: TreeNode) {
    expanded.delete(node.entry.path);
    draw();
  }

  async function toggle(node: TreeNode) {
    if (expanded.has(node.entry.path)) collapse(node);
    else await expand(node);
  }

  function visible(): TreeNode[] {
    return [...nodes.values()];
  }

  function selectNode(node: TreeNode | undefined, focus = true) {
    if (!node) return;
    for (const other of nodes.values()) {
      other.item.setAttribute('aria-selected', 'false');
      other.item.tabIndex = -1;
    }
    node.item.setAttribute('aria-selected', 'true');
    node.item.tabIndex = 0;
    current = node.entry.path;
    if (focus) node.item.focus({ preventScroll: false });
  }

  element.addEventListener('keydown', (event) => {
    if ((event.target as HTMLElement).tagName === 'INPUT') return;
    const list = visible();
    const node = current ? nodes.get(current) : undefined;
    const index = node ? list.indexOf(node) : -1;
    const key = event.key;
    if (key === 'ArrowDown') selectNode(list[Math.min(index + 1, list.length - 1)]);
    else if (key === 'ArrowUp') selectNode(list[Math.max(index - 1, 0)]);
    else if (key === 'Home') selectNode(list[0]);
    else if (key === 'End') selectNode(list[list.length - 1]);
    else if (key === 'ArrowRight' && node?.entry.dir) {
      if (!expanded.has(node.entry.path)) void expand(node);
      else selectNode(list[index + 1]);
    } else if (key === 'ArrowLeft' && node) {
      if (node.entry.dir && expanded.has(node.entry.path)) collapse(node);
      else selectNode(nodes.get(parentOf(node.entry.path, source?.root ?? '')));
    } else if (key === 'Enter' && node) {
      if (node.entry.dir) void toggle(node);
      else actions.open(node.entry);
    } else if (key === 'F2' && node) void startRenameOf(node);
    else if (key === 'Delete' && node) actions.remove(node.entry);
    else if ((key === 'ContextMenu' || (key === 'F10' && event.shiftKey)) && node) {
      const box = node.row.getBoundingClientRect();
      openMenu(node, box.left + 24, box.bottom);
    } else return;
    event.preventDefault();
  });
  element.addEventListener('focus', () => {
    if (!current || !nodes.has(current)) selectNode(visible()[0]);
  });

  function dropTarget(target: HTMLElement, dir: () => string) {
    target.addEventListener('dragover', (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      target.classList.add('drop-here');
    });
    target.addEventListener('dragleave', () => target.classList.remove('drop-here'));
    target.addEventListener('drop', (event) => {
      event.preventDefault();
      event.stopPropagation();
      target.classList.remove('drop-here');
      if (event.dataTransfer) actions.drop(dir(), event.dataTransfer);
    });
  }
  dropTarget(wrapper, () => source?.root ?? '');

/** An input in place of a name; resolves with the name typed, or null when abandoned. */
  function nameInput(row: HTMLElement, initial: string, label: string): Promise<string | null> {
    const input = document.createElement('input');
    input.className = 'tree-input';
    input.value = initial;
    input.setAttribute('aria-label', label);
    input.spellcheck = false;
    row.append(input);
    input.focus();
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, dot > 0 ? dot : initial.length);
    return new Promise((resolve) => {
      let done = false;
      const finish = (value: string | null) => {
        if (done) return;
        done = true;
        input.remove();
        resolve(value && value.trim() && value.trim() !== initial ? value.trim() : null);
      };
      input.addEventListener('keydown', (event) => {
        event.stopPropagation();
        if (event.key === 'Enter') finish(input.value);
        else if (event.key === 'Escape') finish(null);
      });
      input.addEventListener('blur', () => finish(input.value));
    });
  }

  async function startRenameOf(node: TreeNode) {
    node.row.classList.add('renaming');
    const name = await nameInput(node.row, node.entry.name, `New name for ${node.entry.name}`);
    node.row.classList.remove('renaming');
    if (name) await actions.rename(node.entry, name);
    else node.item.focus();
  }

  async function startCreate(folder: boolean) {
    const dir = tree.targetDir();
    const parent = nodes.get(dir);
    if (parent && !expanded.has(dir)) await expand(parent);
    const item = document.createElement('li');
    item.setAttribute('role', 'none');
    const row = document.createElement('div');
    row.className = `tree-row creating ${folder ? 'is-dir' : 'is-file'}`;
    row.style.setProperty('--level', String(parent ? parent.level : 0));
    const icon = document.createElement('span');
    icon.className = `file-icon ${folder ? 'folder' : 'py'}`;
    icon.setAttribute('aria-hidden', 'true');
    row.append(icon);
    item.append(row);
    if (parent) parent.item.after(item);
    else element.prepend(item);
    const name = await nameInput(row, '', folder ? 'New folder name' : 'New file name');
    item.remove();
    if (name) await actions.create(dir, name, folder);
  }

  let menuElement: HTMLElement | null = null;
  function closeMenu() {
    menuElement?.remove();
    menuElement = null;
  }
  function openMenu(node: TreeNode, x: number, y: number) {
    closeMenu();
    const items: MenuItem[] = [
      ...(node.entry.dir ? [] : [{ label: 'Open', run: () => actions.open(node.entry) }]),
      ...actions.menu(node.entry),
      { label: 'Rename…', run: () => startRenameOf(node) },
      { label: 'Delete…', run: () => actions.remove(node.entry), danger: true },
    ];
    const menu = document.createElement('div');
    menu.className = 'menu';
    menu.setAttribute('role', 'menu');
    menu.setAttribute('aria-label', `${node.entry.name} actions`);
    for (const entry of items) {
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('role', 'menuitem');
      button.tabIndex = -1;
      button.textContent = entry.label;
      if (entry.danger) button.classList.add('danger');
      button.addEventListener('click', () => {
        closeMenu();
        entry.run();
      });
      menu.append(button);
    }
    menu.addEventListener('keydown', (event) => {
      const buttons = [...menu.querySelectorAll<HTMLButtonElement>('button')];
      const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
      if (event.key === 'ArrowDown') buttons[(at + 1) % buttons.length].focus();
      else if (event.key === 'ArrowUp') buttons[(at - 1 + buttons.length) % buttons.length].focus();
      else if (event.key === 'Escape' || event.key === 'Tab') {
        closeMenu();
        node.item.focus();
      } else return;
      event.preventDefault();
    });
    document.body.append(menu);
    menuElement = menu;
    const box = menu.getBoundingClientRect();
    menu.style.left = `${Math.min(x, innerWidth - box.width - 8)}px`;
    menu.style.top = `${Math.min(y, innerHeight - box.height - 8)}px`;
    menu.querySelector<HTMLButtonElement>('button')?.focus();
    setTimeout(() => document.addEventListener('pointerdown', (e) => menu.contains(e.target as Node) || closeMenu(), { once: true }));
  }

  const tree: Tree = {
    element: wrapper,
    setSource(next, empty = '') {
      source = next;
      listings.clear();
      expanded.clear();
      current = null;
      generation++;
      element.replaceChildren();
      element.tabIndex = 0;
      setMessage(next ? '' : empty);
      if (next) void tree.refresh();
    },
    async refresh() {
      if (!source) return;
      const gen = ++generation;
      if (!nodes.size) setMessage('Loading…');
      await load(source.root, gen);
      if (gen !== generation) return;
      const top = listings.get(source.root);
      if (top instanceof Error) {
        element.replaceChildren();
        nodes.clear();
        element.tabIndex = 0;
        setMessage(`Could not list the files: ${top.message}`);
        return;
      }
      setMessage(top && top.length ? '' : 'No files yet. Drop files here, or use New file.');
      draw();
    },
    targetDir() {
      const node = current ? nodes.get(current) : undefined;
      if (!node) return source?.root ?? '';
      return node.entry.dir ? node.entry.path : parentOf(node.entry.path, source?.root ?? '');
    },
    selected: () => (current ? (nodes.get(current)?.entry ?? null) : null),
    startCreate: (folder) => void startCreate(folder),
    startRename() {
      const node = current ? nodes.get(current) : undefined;
      if (node) void startRenameOf(node);
    },
    focus() {
      const node = (current && nodes.get(current)) || visible()[0];
      if (node) selectNode(node);
      else element.focus();
    },
    async select(path) {
      if (!source) return;
      // Open every folder on the way, then pick the item.
      const root = source.root;
      let changed = false;
      for (let dir = parentOf(path, root); dir !== root && dir !== ''; dir = parentOf(dir, root)) {
        if (!expanded.has(dir)) {
          expanded.add(dir);
          changed = true;
        }
      }
      if (changed) await tree.refresh();
      selectNode(nodes.get(path));
    },
  };
  return tree;
}

function iconClass(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'py' || ext === 'mpy') return 'py';
  if (['txt', 'md', 'json', 'csv', 'toml', 'cfg', 'ini', 'html', 'css', 'js'].includes(ext)) return 'text';
  return 'binary';
}
