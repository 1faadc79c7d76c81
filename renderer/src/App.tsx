import { lazy, startTransition, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { Workspace, WorkspacePage } from '../../shared/ipc';
import { call, onEvent } from './api';
import { DataNoticeBanner } from './components/DataNoticeBanner';
import { ErrorBox } from './components/ErrorBox';
import { ShortcutsSheet } from './components/ShellBits';
import { Sidebar, type Selection } from './components/Sidebar';
import { FIRST_PAGE, firstPageIfArrived, takeFirstPage } from './lib/first-page';
import { hasUnsavedChanges, useUnsavedProfileIds } from './lib/session-store';
import { WorkspaceIndex } from './lib/workspace-index';

// Screens load when first opened: the start-up script is the shell and the profile list only.
const ProfileView = lazy(() => import('./components/ProfileView').then((m) => ({ default: m.ProfileView })));
const InspectorScreen = lazy(() => import('./components/InspectorScreen').then((m) => ({ default: m.InspectorScreen })));
const KeystoreScreen = lazy(() => import('./components/KeystoreScreen').then((m) => ({ default: m.KeystoreScreen })));
const HistoryScreen = lazy(() => import('./components/HistoryScreen').then((m) => ({ default: m.HistoryScreen })));
const ImportExportScreen = lazy(() => import('./components/ImportExportScreen').then((m) => ({ default: m.ImportExportScreen })));

/** Later pages: each parsed and indexed in a few ms (about 1 KB of JSON per profile); fewer, larger pages load the whole workspace sooner from a busy server. */
const NEXT_PAGES = 500;
/** While the workspace streams in, the list is re-rendered at most this often (only its scroll height and count change). */
const STREAM_RENDER_MS = 250;

/** After the browser has painted the next frame (or 100 ms, for a window that is not painting, e.g. hidden). */
const afterNextPaint = () =>
  new Promise<void>((resolve) => {
    const fallback = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(fallback);
        resolve();
      }, 0),
    );
  });

/** The workspace of the first page, when it is in before the first render (main.tsx waits a little for it). */
function initialWorkspace(): { workspace: Workspace; page: WorkspacePage } | undefined {
  const page = firstPageIfArrived();
  if (!page) return undefined;
  return { page, workspace: WorkspaceIndex.of(page.groups ?? []).append(page.profiles).register({ groups: page.groups ?? [], profiles: page.profiles }) };
}

/** Where typing a "?" means a character, not "show the shortcuts". */
const isTextEntry = (el: Element | null) => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);

export function App() {
  const [initial] = useState(initialWorkspace);
  const [workspace, setWorkspace] = useState<Workspace | null>(initial?.workspace ?? null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [selection, setSelection] = useState<Selection>(null);
  const [shortcuts, setShortcuts] = useState(false);
  const filterRef = useRef<HTMLInputElement>(null);

  // The workspace streams in pages, in display order: the first page paints the top of the list at once;
  // later pages are asked for one ahead (the next is on its way while this one is indexed) and indexed
  // as they come (lib/workspace-index), each in its own task, the list re-rendered as a transition at
  // most every STREAM_RENDER_MS. A newer reload abandons an older one;
  // a page from another snapshot of the store starts the stream again.
  const generation = useRef(0);
  const loaded = useRef(false);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    const stale = () => mine !== generation.current;
    const ask = (cursor: number, snapshot: string) => {
      const request = call('listWorkspacePage', { cursor, limit: NEXT_PAGES, snapshot });
      request.catch(() => undefined); // awaited below, or abandoned with its stream
      return request;
    };
    try {
      restart: for (let attempt = 0; attempt < 5; attempt++) {
        const early = takeFirstPage();
        let page = await (early ?? call('listWorkspacePage', { cursor: 0, limit: FIRST_PAGE }));
        if (stale()) return;
        const groups = page.groups ?? [];
        let profiles = page.profiles;
        let index = WorkspaceIndex.of(groups).append(profiles);
        const show = () => setWorkspace(index.register({ groups, profiles }));
        // At start-up the list paints page by page; a later reload (after a save) keeps showing the
        // workspace it has until the new one is complete, so the open profile never disappears meanwhile.
        const progressive = !loaded.current;
        // The first page at once (a transition's time slicing only delayed the first rows on a busy machine);
        // later ones as transitions, which React renders in slices and drops when a newer one comes.
        if (progressive && page !== initial?.page) show();
        setLoadError(null);
        let shownAt = performance.now();
        const snapshot = page.snapshot;
        // At start-up, the rest is asked for once the first rows are on screen: the server's work on the
        // next page (and the browser's receiving it) would otherwise compete with the first frame for
        // the machine's cores, and the first frame's style, layout and paint are start-up's largest task.
        if (progressive && page.next !== undefined) await afterNextPaint();
        if (stale()) return;
        let pending = page.next !== undefined ? ask(page.next, snapshot) : undefined;
        while (pending) {
          page = await pending;
          if (stale()) return;
          if (page.snapshot !== snapshot) continue restart;
          pending = page.next !== undefined ? ask(page.next, snapshot) : undefined;
          profiles = profiles.concat(page.profiles);
          index = index.append(page.profiles);
          if (progressive && (!pending || performance.now() - shownAt >= STREAM_RENDER_MS)) {
            startTransition(show);
            shownAt = performance.now();
          }
        }
        if (!progressive) show();
        loaded.current = true;
        return;
      }
    } catch (err) {
      if (!stale()) setLoadError(err);
    }
  }, [initial]);

  useEffect(() => {
    void reload();
    return onEvent((e) => {
      if (e.type === 'workspace.changed') void reload();
    });
  }, [reload]);

  // Ctrl/Cmd+K: filter profiles; Ctrl/Cmd+Enter: get a token for the open profile (verify in the Inspector); ?: the shortcuts.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      } else if (mod && e.key === 'Enter') {
        e.preventDefault();
        window.dispatchEvent(new Event('tokenbench:get-token'));
      } else if (e.key === '?' && !mod && !e.altKey && !isTextEntry(document.activeElement) && !document.querySelector('[role="dialog"]')) {
        e.preventDefault();
        setShortcuts(true);
      }
    };
    const onShortcutsButton = () => setShortcuts(true);
    window.addEventListener('keydown', onKey);
    window.addEventListener('tokenbench:shortcuts', onShortcutsButton);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('tokenbench:shortcuts', onShortcutsButton);
    };
  }, []);

  // Closing or reloading the window with unsaved changes asks first (issue 12: no typed input lost
  // silently): the browser shows its own prompt; the desktop shell shows a dialog (shell/window.ts).
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!hasUnsavedChanges()) return;
      e.preventDefault();
      e.returnValue = ''; // older Chromium (and Electron) want it set
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  // The window title says when a profile has unsaved changes (issue 12).
  const unsaved = useUnsavedProfileIds();
  const openProfile = selection?.kind === 'profile' ? workspace?.profiles.find((p) => p.id === selection.id) : undefined;
  useEffect(() => {
    const name = openProfile?.name;
    const mark = openProfile && unsaved.has(openProfile.id) ? '• ' : '';
    const others = unsaved.size - (openProfile && unsaved.has(openProfile.id) ? 1 : 0);
    document.title = `${mark}${name ? `${name} — ` : ''}Token Workbench${others > 0 ? ` (${others} more unsaved)` : ''}`;
  });

  if (!workspace)
    return (
      <main className="screen">
        <h1 className="visually-hidden">Token Workbench</h1>
        {loadError ? <ErrorBox error={loadError} /> : <div className="muted">Loading…</div>}
      </main>
    );
  const profile = selection?.kind === 'profile' ? workspace.profiles.find((p) => p.id === selection.id) : undefined;
  const group = profile?.groupId ? workspace.groups.find((g) => g.id === profile.groupId) : undefined;

  return (
    <div className="app">
      <Sidebar workspace={workspace} selection={selection} onSelect={setSelection} reload={reload} filterRef={filterRef} />
      <main className="main">
        <DataNoticeBanner />
        <Suspense fallback={<div className="screen muted">Loading…</div>}>
        {profile ? <ProfileView key={profile.id} profile={profile} group={group} reload={reload} /> : null}
        {selection?.kind === 'inspector' ? <InspectorScreen /> : null}
        {selection?.kind === 'keystore' ? <KeystoreScreen /> : null}
        {selection?.kind === 'history' ? <HistoryScreen onOpenProfile={(id) => setSelection({ kind: 'profile', id })} /> : null}
        {selection?.kind === 'io' ? <ImportExportScreen workspace={workspace} reload={reload} /> : null}
        {!selection || (selection.kind === 'profile' && !profile) ? (
          <div className="empty">
            <h2>Token Workbench</h2>
            <p>Pick a profile on the left, or create a group and a profile to start. The Inspector decodes and verifies any JWT or JWE.</p>
            <p className="muted">Ctrl/Cmd+K filters profiles · Ctrl/Cmd+Enter gets a token · ? lists every shortcut</p>
          </div>
        ) : null}
        </Suspense>
      </main>
      {shortcuts ? <ShortcutsSheet onClose={() => setShortcuts(false)} /> : null}
    </div>
  );
}
