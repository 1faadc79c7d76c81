// First: asks for the first page of the workspace before React-DOM is even evaluated (issue 12).
import { firstPageSettled } from './lib/first-page';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
// Asks for the saved theme as it is imported; the OS's theme until the answer.
import { themeSettled } from './lib/theme';
import './styles.css';

// The first render shows the list rather than "Loading…" when the first page is in within this time
// (it usually is: it was asked for first); a render of "Loading…" followed at once by the list would
// only add a render, a layout and a paint before the list shows.
// (Not a top-level await: with one, Rollup splits the shared modules out of the start-up chunk.)
// The saved theme is waited for the same way, so a dark-theme user never sees a light flash.
void Promise.all([firstPageSettled(300), themeSettled(300)]).then(() =>
  createRoot(document.getElementById('root') as HTMLElement).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
