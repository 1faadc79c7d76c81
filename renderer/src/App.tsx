import { useCallback, useEffect, useRef, useState } from 'react';
import type { Workspace } from '../../shared/ipc';
import { call, onEvent } from './api';
import { ErrorBox } from './components/ErrorBox';
import { HistoryScreen } from './components/HistoryScreen';
import { ImportExportScreen } from './components/ImportExportScreen';
import { InspectorScreen } from './components/InspectorScreen';
import { KeystoreScreen } from './components/KeystoreScreen';
import { ProfileView } from './components/ProfileView';
import { ShortcutsSheet } from './components/ShellBits';
import { Sidebar, type Selection } from './components/Sidebar';

/** Where typing a "?" means a character, not "show the shortcuts". */
const isTextEntry = (el: Element | null) => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);

export function App() {
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [selection, setSelection] = useState<Selection>(null);
  const [shortcuts, setShortcuts] = useState(false);
  const filterRef = useRef<HTMLInputElement>(null);

  const reload = useCallback(async () => {
    try {
      setWorkspace(await call('listWorkspace', {}));
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

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
      </main>
      {shortcuts ? <ShortcutsSheet onClose={() => setShortcuts(false)} /> : null}
    </div>
  );
}
