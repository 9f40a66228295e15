import { useCallback, useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
/** Same key as the inline script in index.html, which applies the theme before first paint. */
const STORAGE_KEY = 'hadir.theme';

function storedTheme(): Theme | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}

/** The stored choice, else the OS preference. */
export function resolveTheme(): Theme {
  return storedTheme() ?? systemTheme();
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.classList.toggle('dark', theme === 'dark');
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

const listeners = new Set<() => void>();
let current: Theme | null = null;

function getSnapshot(): Theme {
  current ??= resolveTheme();
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Follow the OS while the user has not chosen explicitly.
  const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const onChange = () => {
    if (storedTheme()) return;
    setThemeState(systemTheme(), false);
  };
  mq?.addEventListener('change', onChange);
  // Another tab (or a test) changed the stored choice.
  const onStorage = (e: StorageEvent) => {
    if (e.key === STORAGE_KEY) setThemeState(resolveTheme(), false);
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    mq?.removeEventListener('change', onChange);
    window.removeEventListener('storage', onStorage);
  };
}

function setThemeState(theme: Theme, persist: boolean): void {
  current = theme;
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, theme);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
  applyTheme(theme);
  for (const l of listeners) l();
}

const serverSnapshot = (): Theme => 'light';

export function useTheme(): { theme: Theme; setTheme: (t: Theme) => void; toggle: () => void } {
  const theme = useSyncExternalStore(subscribe, getSnapshot, serverSnapshot);
  const setTheme = useCallback((t: Theme) => setThemeState(t, true), []);
  const toggle = useCallback(() => setThemeState(getSnapshot() === 'dark' ? 'light' : 'dark', true), []);
  return { theme, setTheme, toggle };
}
