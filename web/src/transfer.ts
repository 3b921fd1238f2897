// The progress of a long transfer in the status bar: what is moving, a progress bar, bytes per
// second, and Cancel. One transfer shows at a time; the page runs them one after another.

import { formatRate, formatSize } from './format';

export interface Progress {
  /** `done` of `total` bytes have moved. */
  update(done: number): void;
  /** Names the file now moving. */
  label(text: string): void;
  end(): void;
  /** Set when the user pressed Cancel. */
  readonly cancelled: boolean;
}

export interface TransferBar {
  begin(text: string, total: number, cancel: () => void): Progress;
}

/** `busy(text)` is told when a transfer starts (and `busy(null)` when it ends), so the terminal can say its board is busy. */
export function createTransferBar(root: HTMLElement, busy: (text: string | null) => void): TransferBar {
  const text = root.querySelector<HTMLElement>('.transfer-label')!;
  const bar = root.querySelector<HTMLElement>('[role="progressbar"]')!;
  const fill = root.querySelector<HTMLElement>('.transfer-fill')!;
  const rate = root.querySelector<HTMLElement>('.transfer-rate')!;
  const cancelButton = root.querySelector<HTMLButtonElement>('.transfer-cancel')!;
  let onCancel: (() => void) | null = null;
  cancelButton.addEventListener('click', () => onCancel?.());

  return {
    begin(label, total, cancel) {
      const started = performance.now();
      let cancelled = false;
      onCancel = () => {
        cancelled = true;
        cancelButton.disabled = true;
        text.textContent = 'Cancelling…';
        cancel();
      };
      root.hidden = false;
      cancelButton.disabled = false;
      text.textContent = label;
      busy(label);
      const show = (done: number) => {
        const share = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
        bar.setAttribute('aria-valuenow', String(share));
        bar.setAttribute('aria-valuetext', `${share}%, ${formatSize(done)} of ${formatSize(total)}`);
        fill.style.width = `${share}%`;
        const seconds = (performance.now() - started) / 1000;
        rate.textContent = `${share}% · ${seconds > 0.2 ? formatRate(done / seconds) : '…'}`;
      };
      show(0);
      return {
        update: show,
        label(next) {
          if (!cancelled) text.textContent = next;
        },
        end() {
          root.hidden = true;
          onCancel = null;
          busy(null);
        },
        get cancelled() {
          return cancelled;
        },
      };
    },
  };
}
