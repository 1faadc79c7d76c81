/** Light, dark, or whatever the OS prefers; the choice is remembered in this profile of the browser/app. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'tokenbench.theme';
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

export function loadTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

let current: ThemeChoice = 'system';
const resolve = (choice: ThemeChoice) => (choice === 'system' ? (media?.matches ? 'dark' : 'light') : choice);

/** Sets `data-theme` on <html> to the theme in effect; the stylesheet keys its colours off it. */
export function applyTheme(choice: ThemeChoice, remember = false): void {
  current = choice;
  document.documentElement.dataset.theme = resolve(choice);
  if (!remember) return;
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage refused (private window): the choice lasts until reload
  }
}

// "System" follows the OS when it switches (e.g. at sunset).
media?.addEventListener('change', () => {
  if (current === 'system') applyTheme('system');
});
