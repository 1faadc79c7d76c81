import type { ThemeChoice } from '../../../shared/preferences';
import { call } from '../api';

export type { ThemeChoice } from '../../../shared/preferences';

const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
const resolve = (choice: ThemeChoice) => (choice === 'system' ? (media?.matches ? 'dark' : 'light') : choice);

let current: ThemeChoice = 'system';
const listeners = new Set<() => void>();

/** The theme chosen (what the switch shows). */
export const currentTheme = (): ThemeChoice => current;

/** For useSyncExternalStore: the switch follows a choice that arrives after it rendered. */
export function onThemeChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Sets `data-theme` on <html> to the theme in effect; the stylesheet keys its colours off it. */
export function applyTheme(choice: ThemeChoice): void {
  current = choice;
  document.documentElement.dataset.theme = resolve(choice);
  for (const listener of listeners) listener();
}

let userChose = false;

/** The user's choice: applied at once, then kept by the engine (shared/preferences.ts). */
export async function chooseTheme(choice: ThemeChoice): Promise<void> {
  userChose = true;
  applyTheme(choice);
  await call('setPreferences', { theme: choice });
}

/**
 * The saved choice, asked for as the script starts (main.tsx imports this module first, like
 * first-page): an asynchronous request, where reading the browser's localStorage would hold the
 * start-up task while the browser process opens it (issue 12). Until it answers, the OS's theme.
 */
const saved: Promise<void> = call('getPreferences', {}).then(
  (prefs) => {
    // A choice made meanwhile wins over what was saved before it.
    if (!userChose) applyTheme(prefs.theme);
  },
  () => undefined, // no preferences: the OS's theme, and the switch says "System"
);
applyTheme('system');

/** Resolves when the saved theme is applied (or could not be read), or after `ms`. */
export function themeSettled(ms: number): Promise<void> {
  return Promise.race([saved, new Promise<void>((r) => setTimeout(r, ms))]);
}

// "System" follows the OS when it switches (e.g. at sunset).
media?.addEventListener('change', () => {
  if (current === 'system') applyTheme('system');
});
