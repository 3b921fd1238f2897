// The open files: one editor state per tab, a tab bar (an ARIA tablist) that shows where each
// file lives (the project or a board) and whether it has unsaved changes, and the memory of
// every tab and its text across reloads.

import type { EditorState } from '@codemirror/state';
import type { Editor } from './editor';
import { debounced, remembered } from './store';

/** Where a file lives, and so where Save writes it. */
export type Place =
  | { kind: 'project'; path: string }
  | { kind: 'board'; board: string; boardName: string; path: string }
  | { kind: 'new'; name: string };

export interface Doc {
  readonly id: number;
  place: Place;
  /** The text as last saved (or opened); the tab is dirty when the buffer differs. */
  saved: string;
  state: EditorState;
}

export interface Tabs {
  all(): Doc[];
  active(): Doc | null;
  /** Opens `text` at `place`, or shows the tab already open there. */
  open(place: Place, text: string): Doc;
  find(place: Place): Doc | undefined;
  activate(doc: Doc): void;
  /** Closes `doc`, asking first when it has unsaved changes; resolves false if the user kept it. */
  close(doc: Doc): Promise<boolean>;
  isDirty(doc: Doc): boolean;
  text(doc: Doc): string;
  /** Records that `doc` was saved with `text` (at `place`, when it moved). */
  saved(doc: Doc, text: string, place?: Place): void;
  /** The tab bar changed what it shows (a buffer edited). */
  touched(): void;
}

export function nameOf(place: Place): string {
  if (place.kind === 'new') return place.name;
  return place.path.slice(place.path.lastIndexOf('/') + 1) || place.path;
}

export function whereOf(place: Place): string {
  if (place.kind === 'project') return 'project';
  if (place.kind === 'board') return place.boardName;
  return 'not saved yet';
}

export function samePlace(a: Place, b: Place): boolean {
  if (a.kind === 'project' && b.kind === 'project') return a.path === b.path;
  if (a.kind === 'board' && b.kind === 'board') return a.board === b.board && a.path === b.path;
  return a.kind === 'new' && b.kind === 'new' && a.name === b.name;
}

interface Kept {
  tabs: { place: Place; text: string; saved: string; cursor: number }[];
  active: number;
}

export function createTabs(
  bar: HTMLElement,
  editor: Editor,
  ask: (doc: Doc) => Promise<'save' | 'discard' | 'cancel'>,
  save: (doc: Doc) => Promise<boolean>,
  changed: (doc: Doc | null) => void,
): Tabs {
  const memory = remembered<Kept>('tabs', { tabs: [], active: 0 });
  const docs: Doc[] = [];
  let current: Doc | null = null;
  let ids = 0;

  const persist = debounced(() => {
    if (current) current.state = editor.view.state;
    memory.set({
      tabs: docs.map((doc) => ({
        place: doc.place,
        text: doc.state.doc.toString(),
        saved: doc.saved,
        cursor: doc.state.selection.main.head,
      })),
      active: current ? docs.indexOf(current) : 0,
    });
  });

  function render() {
    bar.replaceChildren();
    for (const doc of docs) {
      const dirty = tabs.isDirty(doc);
      const name = nameOf(doc.place);
      const tab = document.createElement('div');
      tab.className = 'tab';
      tab.setAttribute('role', 'tab');
      tab.id = `tab-${doc.id}`;
      tab.setAttribute('aria-controls', 'editor');
      tab.setAttribute('aria-selected', String(doc === current));
      tab.tabIndex = doc === current ? 0 : -1;
      tab.title = doc.place.kind === 'new' ? name : `${whereOf(doc.place)}: ${doc.place.path}`;
      tab.classList.toggle('dirty', dirty);
      tab.classList.toggle('on-board', doc.place.kind === 'board');
      const label = document.createElement('span');
      label.className = 'tab-name';
      label.textContent = name;
      const where = document.createElement('span');
      where.className = 'tab-where';
      where.textContent = whereOf(doc.place);
      // Named by its visible text, with the punctuation and the unsaved state a screen reader needs.
      tab.setAttribute('aria-label', `${name}, ${whereOf(doc.place)}${dirty ? ', unsaved' : ''}`);
      const close = document.createElement('span');
      close.className = 'tab-close';
      close.setAttribute('aria-hidden', 'true');
      close.innerHTML = '<svg viewBox="0 0 16 16"><path d="M4.5 4.5l7 7M11.5 4.5l-7 7" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/></svg>';
      close.title = `Close ${name} (Alt+W)`;
      close.addEventListener('click', (event) => {
        event.stopPropagation();
        void tabs.close(doc);
      });
      tab.append(label, ' ', where, close);
      tab.addEventListener('click', () => tabs.activate(doc));
      tab.addEventListener('auxclick', (event) => {
        if (event.button === 1) void tabs.close(doc);
      });
      bar.append(tab);
    }
  }

  bar.addEventListener('keydown', (event) => {
    const at = current ? docs.indexOf(current) : -1;
    let next = -1;
    if (event.key === 'ArrowRight') next = (at + 1) % docs.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + docs.length) % docs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = docs.length - 1;
    else if (event.key === 'Delete' && current) {
      void tabs.close(current);
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    tabs.activate(docs[next]);
    bar.querySelector<HTMLElement>(`#tab-${docs[next].id}`)?.focus();
  });

  const tabs: Tabs = {
    all: () => docs,
    active: () => current,
    open(place, text) {
      const open = tabs.find(place);
      if (open) {
        tabs.activate(open);
        return open;
      }
      const doc: Doc = { id: ++ids, place, saved: text, state: editor.createState(text, nameOf(place)) };
      docs.push(doc);
      tabs.activate(doc);
      return doc;
    },
    find: (place) => docs.find((doc) => samePlace(doc.place, place)),
    activate(doc) {
      if (current && current !== doc) current.state = editor.view.state;
      current = doc;
      editor.show(doc.state);
      render();
      persist();
      changed(doc);
    },
    async close(doc) {
      if (tabs.isDirty(doc)) {
        const answer = await ask(doc);
        if (answer === 'cancel') return false;
        if (answer === 'save' && !(await save(doc))) return false;
      }
      const at = docs.indexOf(doc);
      if (at < 0) return true;
      docs.splice(at, 1);
      if (current === doc) {
        current = null;
        const next = docs[Math.min(at, docs.length - 1)];
        if (next) tabs.activate(next);
        else {
          editor.show(editor.createState('', 'untitled.py'));
          render();
          changed(null);
        }
      } else render();
      persist();
      return true;
    },
    isDirty: (doc) => tabs.text(doc) !== doc.saved,
    text: (doc) => (doc === current ? editor.view.state : doc.state).doc.toString(),
    saved(doc, text, place) {
      doc.saved = text;
      if (place) doc.place = place;
      render();
      persist();
      changed(doc);
    },
    touched() {
      // Only a change of the unsaved mark needs the bar drawn again.
      const tab = current && bar.querySelector(`#tab-${current.id}`);
      if (current && tab && tab.classList.contains('dirty') !== tabs.isDirty(current)) render();
      persist();
    },
  };

  // What was open before the reload.
  const kept = memory.get();
  for (const tab of kept.tabs) {
    const doc: Doc = { id: ++ids, place: tab.place, saved: tab.saved, state: editor.createState(tab.text, nameOf(tab.place)) };
    const cursor = Math.min(tab.cursor, tab.text.length);
    doc.state = doc.state.update({ selection: { anchor: cursor } }).state;
    docs.push(doc);
  }
  if (docs.length) tabs.activate(docs[Math.min(kept.active, docs.length - 1)]);
  return tabs;
}
