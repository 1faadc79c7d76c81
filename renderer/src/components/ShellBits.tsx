import { useState, useSyncExternalStore } from 'react';
import { chooseTheme, currentTheme, onThemeChange, type ThemeChoice } from '../lib/theme';
import { Dialog } from './Dialogs';

/** Light / dark / system, remembered by the engine (shared/preferences.ts). */
export function ThemeSwitch() {
  const choice = useSyncExternalStore(onThemeChange, currentTheme);
  const [saveError, setSaveError] = useState<string>();
  return (
    <>
      <select
        aria-label="Theme"
        className="theme-switch"
        value={choice}
        aria-describedby={saveError ? 'theme-save-error' : undefined}
        onChange={(e) => {
          setSaveError(undefined);
          chooseTheme(e.target.value as ThemeChoice).catch((err: unknown) => setSaveError(`Applied, but not saved: ${(err as Error).message}`));
        }}
      >
        <option value="system">System theme</option>
        <option value="light">Light theme</option>
        <option value="dark">Dark theme</option>
      </select>
      {saveError && (
        <span id="theme-save-error" role="alert" className="error-text">
          {saveError}
        </span>
      )}
    </>
  );
}

/** Every keyboard shortcut of the workbench, one place (opened with "?"). */
export const SHORTCUTS: Array<[keys: string, what: string]> = [
  ['Ctrl/Cmd + K', 'Filter profiles'],
  ['↓ / ↑ in the filter', 'Highlight the next / previous matching profile'],
  ['Enter in the filter', 'Open the highlighted profile'],
  ['Escape in the filter', 'Clear the filter'],
  ['↓ ↑ Home End PageDown PageUp in the list', 'Move between groups and profiles'],
  ['→ / ← in the list', 'Open / close a group (← on a profile: go to its group)'],
  ['Enter or Space in the list', 'Open the profile, or open / close the group'],
  ['Shift + F10 or the Menu key', 'Actions of the row: Open, Rename, Duplicate, Move, Delete'],
  ['F2 / Delete on a profile', 'Rename / delete it (asks first)'],
  ['Ctrl/Cmd + Enter', 'Get a token for the open profile; verify in the Inspector'],
  ['Escape', 'Close a dialog or menu (focus goes back where it was)'],
  ['?', 'This list'],
];

export function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts" data-testid="shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
