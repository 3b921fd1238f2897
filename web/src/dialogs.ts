// Modal dialogs on the native <dialog> element: focus is trapped and restored by the browser,
// Escape closes, and each dialog is named by its title.

export interface Button<T> {
  label: string;
  value: T;
  kind?: 'primary' | 'danger';
}

let serial = 0;

/** Shows a dialog titled `title` with `body` and `buttons`; resolves with the chosen button's value, or `dismissed` on Escape. */
export function showDialog<T>(title: string, body: Node | string, buttons: Button<T>[], dismissed: T, wide = false): Promise<T> {
  const dialog = document.createElement('dialog');
  dialog.className = wide ? 'dialog wide' : 'dialog';
  const heading = document.createElement('h2');
  heading.id = `dialog-title-${++serial}`;
  heading.textContent = title;
  dialog.setAttribute('aria-labelledby', heading.id);
  const content = document.createElement('div');
  content.className = 'dialog-body';
  content.append(typeof body === 'string' ? paragraph(body) : body);
  const footer = document.createElement('div');
  footer.className = 'dialog-buttons';
  dialog.append(heading, content, footer);
  document.body.append(dialog);

  return new Promise<T>((resolve) => {
    let result = dismissed;
    for (const button of buttons) {
      const element = document.createElement('button');
      element.type = 'button';
      element.className = `button${button.kind ? ` ${button.kind}` : ''}`;
      element.textContent = button.label;
      element.addEventListener('click', () => {
        result = button.value;
        dialog.close();
      });
      footer.append(element);
    }
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
    // A body long enough to scroll must be reachable by keyboard to scroll it.
    if (content.scrollHeight > content.clientHeight) content.tabIndex = 0;
    // Enter does the safe thing: a dangerous choice (Delete, Replace) is never the default.
    const danger = footer.querySelector('.danger');
    (footer.querySelector(danger ? 'button:not(.danger)' : '.primary') as HTMLElement | null)?.focus();
  });
}

export function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

export function confirmAction(title: string, message: string, action: string, danger = false): Promise<boolean> {
  return showDialog(title, message, [{ label: 'Cancel', value: false }, { label: action, value: true, kind: danger ? 'danger' : 'primary' }], false);
}

export function tellError(title: string, message: string): Promise<void> {
  return showDialog(title, message, [{ label: 'OK', value: undefined, kind: 'primary' }], undefined);
}

/** Asks for one line of text; resolves with it, or null when cancelled. */
export async function askText(title: string, label: string, initial: string, action: string): Promise<string | null> {
  const field = document.createElement('label');
  field.className = 'field';
  const span = document.createElement('span');
  span.textContent = label;
  const input = document.createElement('input');
  input.value = initial;
  input.spellcheck = false;
  field.append(span, input);
  queueMicrotask(() => {
    input.focus();
    input.select();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      (input.closest('dialog')?.querySelector('.primary') as HTMLButtonElement | null)?.click();
    }
  });
  const ok = await showDialog(title, field, [{ label: 'Cancel', value: false }, { label: action, value: true, kind: 'primary' }], false);
  return ok && input.value.trim() ? input.value.trim() : null;
}
