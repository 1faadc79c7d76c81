import { useCallback, useEffect, useRef, useState } from 'react';
import type { Workspace } from '../../shared/ipc';
import { call, onEvent } from './api';
import { DataNoticeBanner } from './components/DataNoticeBanner';
import { ErrorBox } from './components/ErrorBox';
import { HistoryScreen } from './components/HistoryScreen';
import { ImportExportScreen } from './components/ImportExportScreen';
import { KeystoreScreen } from './components/KeystoreScreen';
import { ProfileView } from './components/ProfileView';
import { Sidebar, type Selection } from './components/Sidebar';
import { useUnsavedProfileIds } from './lib/session-store';

export function App() {
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [selection, setSelection] = useState<Selection>(null);
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

  // Ctrl/Cmd+K: filter profiles; Ctrl/Cmd+Enter: get a token for the open profile.
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
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
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

  if (!workspace) return <div className="screen">{loadError ? <ErrorBox error={loadError} /> : <div className="muted">Loading…</div>}</div>;
  const profile = selection?.kind === 'profile' ? workspace.profiles.find((p) => p.id === selection.id) : undefined;
  const group = profile?.groupId ? workspace.groups.find((g) => g.id === profile.groupId) : undefined;

  return (
    <div className="app">
      <Sidebar workspace={workspace} selection={selection} onSelect={setSelection} reload={reload} filterRef={filterRef} />
      <main className="main">
        <DataNoticeBanner />
        {profile ? <ProfileView key={profile.id} profile={profile} group={group} reload={reload} /> : null}
        {selection?.kind === 'keystore' ? <KeystoreScreen /> : null}
        {selection?.kind === 'history' ? <HistoryScreen onOpenProfile={(id) => setSelection({ kind: 'profile', id })} /> : null}
        {selection?.kind === 'io' ? <ImportExportScreen workspace={workspace} reload={reload} /> : null}
        {!selection || (selection.kind === 'profile' && !profile) ? (
          <div className="empty">
            <h2>Token Workbench</h2>
            <p>Pick a profile on the left, or create a group and a profile to start.</p>
            <p className="muted">Ctrl/Cmd+K filters profiles · Ctrl/Cmd+Enter gets a token</p>
          </div>
        ) : null}
      </main>
    </div>
  );
}
