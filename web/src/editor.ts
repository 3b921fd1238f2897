// The editor panel: CodeMirror 6 with Python highlighting, a dark theme matching the page,
// Ctrl/Cmd+Enter to run, and a marker for the line a traceback points at.

import { basicSetup } from 'codemirror';
import { python } from '@codemirror/lang-python';
import { indentUnit, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { indentWithTab } from '@codemirror/commands';
import { EditorState, Prec, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, keymap } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

const EXAMPLE = `# Welcome to Copperhead: MicroPython in your browser and on your boards.
# Run this program in the simulator (Ctrl+Enter), or pick a board and
# press "Run on board".

name = "world"
print("Hello,", name + "!")
i = 0
while i < 5:
    print(i, "squared is", i * i)
    i += 1
print("2 ** 100 =", 2 ** 100)
`;

export interface Editor {
  /** The program text. */
  getCode(): string;
  /** Marks `line` (1-based) as the one that raised, and scrolls to it; `null` clears the mark. */
  markError(line: number | null): void;
  focus(): void;
}

const setErrorLine = StateEffect.define<number | null>();

/** The error-line decoration; any edit clears it, since the line may no longer be the culprit. */
const errorLine = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    for (const effect of tr.effects) {
      if (!effect.is(setErrorLine)) continue;
      if (effect.value === null || effect.value > tr.state.doc.lines) return Decoration.none;
      const line = tr.state.doc.line(effect.value);
      return Decoration.set([Decoration.line({ class: 'cm-error-line' }).range(line.from)]);
    }
    return tr.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const theme = EditorView.theme(
  {
    '&': { height: '100%', color: 'var(--text)', backgroundColor: 'var(--panel)' },
    '.cm-scroller': { fontFamily: 'var(--mono)', fontSize: '14px', lineHeight: '1.55' },
    '.cm-content': { caretColor: 'var(--accent)', padding: '10px 0' },
    '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)', borderLeftWidth: '2px' },
    '&.cm-focused': { outline: 'none' },
    '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
      { backgroundColor: '#3b4a63' },
    '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', border: 'none' },
    '.cm-lineNumbers .cm-gutterElement': { padding: '0 12px 0 16px' },
    '.cm-activeLine': { backgroundColor: '#ffffff08' },
    '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--text)' },
    '.cm-error-line': { backgroundColor: '#f8514926', boxShadow: 'inset 3px 0 0 var(--danger)' },
    '.cm-matchingBracket': { backgroundColor: '#ffffff1a', outline: 'none' },
    '.cm-tooltip': { backgroundColor: 'var(--raised)', border: '1px solid var(--border)' },
    '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: '#3b4a63' },
    '.cm-panels': { backgroundColor: 'var(--raised)', color: 'var(--text)' },
    '.cm-foldPlaceholder': { backgroundColor: 'var(--raised)', border: 'none', color: 'var(--muted)' },
  },
  { dark: true },
);

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.operatorKeyword], color: '#ff7b72' },
  { tag: [t.string, t.special(t.string)], color: '#a5d6ff' },
  { tag: [t.number, t.bool, t.null, t.atom], color: '#79c0ff' },
  { tag: t.comment, color: '#8b949e', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: '#d2a8ff' },
  { tag: t.definition(t.variableName), color: '#ffa657' },
  { tag: [t.className, t.definition(t.className)], color: '#ffa657' },
  { tag: [t.self, t.special(t.variableName)], color: '#79c0ff' },
  { tag: [t.operator, t.punctuation, t.bracket], color: '#c9d1d9' },
  { tag: t.invalid, color: '#f85149' },
]);

/** Creates the editor inside `parent`; `onRun` is called for Ctrl/Cmd+Enter. */
export function createEditor(parent: HTMLElement, onRun: () => void): Editor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: EXAMPLE,
      extensions: [
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (onRun(), true) }])),
        basicSetup,
        keymap.of([indentWithTab]),
        indentUnit.of('    '),
        python(),
        theme,
        syntaxHighlighting(highlight),
        errorLine,
        EditorView.contentAttributes.of({ 'aria-label': 'Python code', 'data-testid': 'editor-content' }),
      ],
    }),
  });

  return {
    getCode: () => view.state.doc.toString(),
    markError(line) {
      const effects: StateEffect<unknown>[] = [setErrorLine.of(line)];
      if (line !== null && line <= view.state.doc.lines) {
        effects.push(EditorView.scrollIntoView(view.state.doc.line(line).from, { y: 'center' }));
      }
      view.dispatch({ effects });
    },
    focus: () => view.focus(),
  };
}
