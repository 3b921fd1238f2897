// What the page remembers between reloads: one JSON record per key in localStorage, each
// module reading and writing its own key through `remembered`. Storage that is full or
// switched off loses nothing but the memory: the page works without it.

const PREFIX = 'copperhead.';

export interface Remembered<T> {
  get(): T;
  set(value: T): void;
}

/** A value kept under `key`, `fallback` until something is stored. */
export function remembered<T>(key: string, fallback: T): Remembered<T> {
  return {
    get() {
      try {
        const text = localStorage.getItem(PREFIX + key);
        return text === null ? fallback : { ...fallback, ...(JSON.parse(text) as T) };
      } catch {
        return fallback;
      }
    },
    set(value) {
      try {
        localStorage.setItem(PREFIX + key, JSON.stringify(value));
      } catch (err) {
        console.warn(`could not remember ${key}:`, err);
      }
    },
  };
}

/** Calls `save` at most once per `ms` while changes keep coming, and once after the last. */
export function debounced(save: () => void, ms = 300): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  addEventListener('pagehide', () => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
      save();
    }
  });
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      save();
    }, ms);
  };
}
