// Light and dark: the system's choice until the user picks one, then theirs, remembered.

import { remembered } from './store';

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface Theme {
  readonly choice: ThemeChoice;
  readonly dark: boolean;
  set(choice: ThemeChoice): void;
}

/** Applies the theme to `<html data-theme>`; `changed(dark)` runs on every change. */
export function createTheme(changed: (dark: boolean) => void): Theme {
  const memory = remembered<{ choice: ThemeChoice }>('theme', { choice: 'system' });
  const system = matchMedia('(prefers-color-scheme: dark)');
  let choice = memory.get().choice;
  const dark = () => (choice === 'system' ? system.matches : choice === 'dark');
  const apply = () => {
    document.documentElement.dataset.theme = dark() ? 'dark' : 'light';
    changed(dark());
  };
  system.addEventListener('change', () => choice === 'system' && apply());
  apply();
  return {
    get choice() {
      return choice;
    },
    get dark() {
      return dark();
    },
    set(next) {
      choice = next;
      memory.set({ choice });
      apply();
    },
  };
}
