// The editor panel: one CodeMirror 6 view whose state is swapped as tabs change. Python
// highlighting in colours taken from the page's theme, completion from the VM itself (through
// the language worker) plus the names the file defines, syntax errors as you type with
// MicroPython's messages, and a mark on the line a traceback points at.

import { basicSetup } from 'codemirror';
import { localCompletionSource, python } from '@codemirror/lang-python';
import { indentUnit, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { indentWithTab } from '@codemirror/commands';
import { EditorState, type Extension, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, keymap } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import type { Language } from './language';

export interface Editor {
  readonly view: EditorView;
  /** A fresh editor state holding `text`, with every extension of the editor; `name` names the file in errors. */
  createState(text: string, name: string): EditorState;
  /** Shows `state` (another tab's) in the view. */
  show(state: EditorState): void;
  /** Marks `line` (1-based) as the one that raised and scrolls to it; `null` clears the mark. */
  markError(line: number | null): void;
  /** Puts the cursor at the start of `line` and scrolls to it. */
  goToLine(line: number): void;
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
      return Decoration.set([Decoration.line({ class: 'cm-error-line', attributes: { 'data-error-line': String(effect.value) } }).range(line.from)]);
    }
    return tr.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** The file's name, for the syntax checker's messages. */
const fileName = StateField.define<string>({ create: () => 'main.py', update: (name) => name });

// Colours come from CSS variables, so one theme serves light and dark.
const theme = EditorView.theme({
  '&': { height: '100%', color: 'var(--text)', backgroundColor: 'var(--panel)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', fontSize: 'var(--code-size, 14px)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--accent)', padding: '10px 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)', borderLeftWidth: '2px' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    backgroundColor: 'var(--selection)',
  },
  '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', border: 'none' },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 12px 0 16px' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--text)' },
  '.cm-error-line': { backgroundColor: 'var(--error-line)', boxShadow: 'inset 3px 0 0 var(--danger)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--hover)', outline: 'none' },
  '.cm-tooltip': { backgroundColor: 'var(--raised)', border: '1px solid var(--border)', color: 'var(--text)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--selection)', color: 'var(--strong)' },
  '.cm-panels': { backgroundColor: 'var(--raised)', color: 'var(--text)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--raised)', border: 'none', color: 'var(--muted)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
});

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.operatorKeyword], color: 'var(--syn-keyword)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--syn-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--syn-number)' },
  { tag: t.comment, color: 'var(--syn-comment)', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'var(--syn-function)' },
  { tag: [t.definition(t.variableName), t.className, t.definition(t.className)], color: 'var(--syn-definition)' },
  { tag: [t.self, t.special(t.variableName)], color: 'var(--syn-number)' },
  { tag: [t.operator, t.punctuation, t.bracket], color: 'var(--text)' },
  { tag: t.invalid, color: 'var(--danger)' },
]);

/** Completion of the dotted name before the cursor, from the VM's own tables. */
function vmCompletions(language: Language) {
  return async (context: CompletionContext): Promise<CompletionResult | null> => {
    const word = context.matchBefore(/[A-Za-z_][\w.]*$/);
    if (!word && !context.explicit) return null;
    const line = context.state.doc.lineAt(context.pos);
    const prefix = context.state.sliceDoc(line.from, context.pos);
    // Inside a string or comment nothing is offered.
    if (/#/.test(prefix.replace(/(['"]).*?\1/g, '')) || /^[^'"]*(['"])[^'"]*$/.test(prefix)) return null;
    const names = await language.complete(context.state.doc.toString(), prefix);
    if (context.aborted || names.length === 0) return null;
    const typed = word ? word.text.slice(word.text.lastIndexOf('.') + 1) : '';
    return {
      from: context.pos - typed.length,
      options: names.map((label) => ({ label, type: /^[A-Z]/.test(label) ? 'class' : 'variable', boost: -1 })),
      validFor: /^\w*$/,
    };
  };
}

/** Syntax errors of the whole buffer, as MicroPython's compiler words them. */
function syntaxCheck(language: Language) {
  return linter(
    async (view): Promise<Diagnostic[]> => {
      const source = view.state.doc.toString();
      const error = await language.check(source, view.state.field(fileName));
      if (!error || view.state.doc.toString() !== source) return [];
      const lineNo = Math.min(Math.max(error.line, 1), view.state.doc.lines);
      const line = view.state.doc.line(lineNo);
      const from = error.column ? Math.min(line.from + error.column - 1, line.to) : line.from;
      return [{ from, to: Math.max(line.to, from), severity: 'error', message: `${error.type}: ${error.message}`, source: 'MicroPython' }];
    },
    { delay: 400 },
  );
}

/** Creates the editor inside `parent`. */
export function createEditor(parent: HTMLElement, language: Language, keys: Extension, changed: () => void): Editor {
  const common: Extension[] = [
    keys,
    basicSetup,
    keymap.of([indentWithTab]),
    theme,
    syntaxHighlighting(highlight),
    errorLine,
    EditorView.updateListener.of((update) => {
      if (update.docChanged) changed();
    }),
    EditorView.contentAttributes.of({ 'aria-label': 'Code editor', 'data-testid': 'editor-content' }),
  ];
  // Python files get the language: highlighting, the VM's completion and syntax check.
  const pythonFile: Extension[] = [
    indentUnit.of('    '),
    python(),
    autocompletion({ override: [vmCompletions(language), localCompletionSource], activateOnTyping: true }),
    syntaxCheck(language),
    lintGutter(),
  ];
  const createState = (text: string, name: string) =>
    EditorState.create({ doc: text, extensions: [common, /\.pyi?$/i.test(name) ? pythonFile : [], fileName.init(() => name)] });
  const view = new EditorView({ parent, state: createState('', 'untitled.py') });

  return {
    view,
    createState,
    show(state) {
      view.setState(state);
    },
    markError(line) {
      const effects: StateEffect<unknown>[] = [setErrorLine.of(line)];
      if (line !== null && line >= 1 && line <= view.state.doc.lines) {
        effects.push(EditorView.scrollIntoView(view.state.doc.line(line).from, { y: 'center' }));
      }
      view.dispatch({ effects });
    },
    goToLine(line) {
      const target = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
      view.dispatch({ selection: { anchor: target.from }, effects: EditorView.scrollIntoView(target.from, { y: 'center' }) });
      view.focus();
    },
    focus: () => view.focus(),
  };
}
