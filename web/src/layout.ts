// The page's frame: the side bar and the bottom panel resize by dragging (or the arrow keys on
// their separators) and collapse, and their sizes are remembered across reloads.

import { remembered } from './store';

interface Sizes {
  sidebar: number;
  bottom: number;
  sidebarOpen: boolean;
  bottomOpen: boolean;
}

export interface Layout {
  toggleSidebar(open?: boolean): void;
  /** In a narrow window the file panel floats over the editor: this puts it away. */
  closeIfNarrow(): void;
  toggleBottom(open?: boolean): void;
  readonly bottomOpen: boolean;
}

/**
 * `root` carries the sizes as CSS variables (`--sidebar`, `--bottom`) and the classes
 * `sidebar-closed`, `bottom-closed`; `changed` runs after any change (panels redraw then).
 */
export function createLayout(root: HTMLElement, sideSplit: HTMLElement, bottomSplit: HTMLElement, changed: () => void): Layout {
  const memory = remembered<Sizes>('layout', { sidebar: 260, bottom: 260, sidebarOpen: true, bottomOpen: true });
  const sizes = memory.get();
  // In a narrow window the file panel floats over the editor: start with it closed, and put it
  // away with Escape or a click outside it.
  const narrow = matchMedia('(max-width: 820px)');
  if (narrow.matches) sizes.sidebarOpen = false;
  const sidebar = root.querySelector<HTMLElement>('.sidebar');
  const floating = () => narrow.matches && sizes.sidebarOpen;
  document.addEventListener('pointerdown', (event) => {
    const target = event.target as HTMLElement;
    if (floating() && !sidebar?.contains(target) && !target.closest('#toggle-sidebar, dialog, .menu')) layout.toggleSidebar(false);
  });
  sidebar?.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && floating() && !(event.target as HTMLElement).closest('input')) layout.toggleSidebar(false);
  });

  function apply() {
    sizes.sidebar = Math.round(Math.min(Math.max(sizes.sidebar, 160), Math.max(innerWidth * 0.6, 200)));
    sizes.bottom = Math.round(Math.min(Math.max(sizes.bottom, 90), Math.max(innerHeight - 200, 120)));
    root.style.setProperty('--sidebar', `${sizes.sidebar}px`);
    root.style.setProperty('--bottom', `${sizes.bottom}px`);
    root.classList.toggle('sidebar-closed', !sizes.sidebarOpen);
    root.classList.toggle('bottom-closed', !sizes.bottomOpen);
    sideSplit.setAttribute('aria-valuenow', String(sizes.sidebar));
    bottomSplit.setAttribute('aria-valuenow', String(sizes.bottom));
    // What a narrow window does to the file panel is not what the user chose for a wide one.
    memory.set(narrow.matches ? { ...sizes, sidebarOpen: memory.get().sidebarOpen } : sizes);
    changed();
  }

  function drag(split: HTMLElement, onMove: (event: PointerEvent) => void) {
    split.addEventListener('pointerdown', (down) => {
      down.preventDefault();
      split.setPointerCapture(down.pointerId);
      root.classList.add('resizing');
      const up = () => {
        split.removeEventListener('pointermove', onMove);
        split.removeEventListener('pointerup', up);
        root.classList.remove('resizing');
      };
      split.addEventListener('pointermove', onMove);
      split.addEventListener('pointerup', up);
    });
  }
  drag(sideSplit, (event) => {
    sizes.sidebar = event.clientX - root.getBoundingClientRect().left;
    sizes.sidebarOpen = true;
    apply();
  });
  drag(bottomSplit, (event) => {
    const box = bottomSplit.parentElement?.getBoundingClientRect();
    if (!box) return;
    sizes.bottom = box.bottom - event.clientY;
    sizes.bottomOpen = true;
    apply();
  });
  const keys = (split: HTMLElement, grow: string, shrink: string, change: (by: number) => void) =>
    split.addEventListener('keydown', (event) => {
      if (event.key === grow) change(+20);
      else if (event.key === shrink) change(-20);
      else return;
      event.preventDefault();
      apply();
    });
  keys(sideSplit, 'ArrowRight', 'ArrowLeft', (by) => (sizes.sidebar += by));
  keys(bottomSplit, 'ArrowUp', 'ArrowDown', (by) => (sizes.bottom += by));
  addEventListener('resize', () => apply());
  apply();

  const layout: Layout = {
    toggleSidebar(open = !sizes.sidebarOpen) {
      sizes.sidebarOpen = open;
      apply();
    },
    closeIfNarrow() {
      if (floating()) layout.toggleSidebar(false);
    },
    toggleBottom(open = !sizes.bottomOpen) {
      sizes.bottomOpen = open;
      apply();
    },
    get bottomOpen() {
      return sizes.bottomOpen;
    },
  };
  return layout;
}
