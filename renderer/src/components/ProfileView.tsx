import { useCallback, useEffect, useMemo, useState } from 'react';
import type { HistoryEntry, KeyInfo, RunProgress, RunSummary, SecretName, SecretStatus, ServerMetadata, TokenSet } from '../../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../../shared/profile';
import type { TranscriptEntry } from '../../../shared/transcript';
import { ApiError, call, newRunId, onEvent } from '../api';
import { formatDuration, useNow } from '../lib/hooks';
import { missingFields, type RunInputs } from '../lib/profile-rules';
import { ApiPanel } from './ApiPanel';
import { ErrorBox } from './ErrorBox';
import { ExchangeView } from './ExchangeView';
import { RequestPanel, type ProfileDraft } from './RequestPanel';
import { stripTimes } from './Sidebar';
import { TokenView } from './TokenView';

export interface CurrentTokens {
  entry: HistoryEntry;
  tokens: TokenSet;
  transcript?: TranscriptEntry[];
}

/** One profile: its request form on the left, the run and its results on the right. */
export function ProfileView({ profile, group, reload }: { profile: ConnectionProfile; group?: ConnectionGroup; reload: () => Promise<void> }) {
  const [draft, setDraft] = useState<ProfileDraft>(() => stripTimes(profile));
  const [dirty, setDirty] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [secrets, setSecrets] = useState<SecretStatus[]>([]);
  const [secretInputs, setSecretInputs] = useState<Partial<Record<SecretName, string>>>({});
  const [runInputs, setRunInputs] = useState<RunInputs>({});
  const [metadata, setMetadata] = useState<ServerMetadata | null>(null);
  const [discovering, setDiscovering] = useState(false);
  const [discoverError, setDiscoverError] = useState<unknown>(null);
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const [run, setRun] = useState<{ runId: string; label: string; progress?: RunProgress } | null>(null);
  const [runError, setRunError] = useState<unknown>(null);
  /** What a failed run sent and got back, so the exchange view can show why it failed. */
  const [failedTranscript, setFailedTranscript] = useState<TranscriptEntry[] | null>(null);
  const [showMissing, setShowMissing] = useState(false);
  const [current, setCurrent] = useState<CurrentTokens | null>(null);
  const [tab, setTab] = useState<'tokens' | 'exchange' | 'api'>('tokens');
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const loadEntries = useCallback(async () => setEntries((await call('listHistory', { profileId: profile.id })).filter((e) => e.stored)), [profile.id]);
  useEffect(() => {
    void loadEntries().catch(() => undefined);
    return onEvent((e) => {
      if (e.type === 'history.changed' && (!e.profileId || e.profileId === profile.id)) void loadEntries().catch(() => undefined);
    });
  }, [profile.id, loadEntries]);
  const openEntry = async (id: string) => {
    const entry = entries.find((e) => e.id === id);
    if (!entry) return;
    try {
      setCurrent({ entry, tokens: await call('getHistoryTokens', { historyId: id }) });
      setTab('tokens');
    } catch (err) {
      setRunError(err);
    }
  };

  // A save elsewhere (rename in the sidebar) updates the form unless the user has unsaved edits.
  useEffect(() => {
    if (!dirty) setDraft(stripTimes(profile));
  }, [profile, dirty]);

  const loadSecrets = useCallback(async () => setSecrets(await call('getProfileSecrets', { profileId: profile.id })), [profile.id]);
  useEffect(() => {
    void loadSecrets().catch(() => undefined);
    void call('listKeys', {})
      .then(setKeys)
      .catch(() => undefined);
    // Show the newest tokens of this profile again when it is opened.
    void (async () => {
      const [entry] = (await call('listHistory', { profileId: profile.id })).filter((e) => e.stored);
      if (!entry) return;
      const tokens = await call('getHistoryTokens', { historyId: entry.id });
      setCurrent((c) => c ?? { entry, tokens });
    })().catch(() => undefined);
  }, [profile.id, loadSecrets]);

  useEffect(
    () =>
      onEvent((event) => {
        if (event.type === 'run.progress') setRun((r) => (r && r.runId === event.runId ? { ...r, progress: event.progress } : r));
      }),
    [],
  );

  const missing = useMemo(() => missingFields(draft, secrets.map((s) => (secretInputs[s.name] ? { ...s, set: true } : s)), runInputs, group?.defaults.issuer), [draft, secrets, secretInputs, runInputs, group]);

  const edit = (next: ProfileDraft) => {
    setDraft(next);
    setDirty(true);
  };

  const save = async (): Promise<boolean> => {
    setSaveError(null);
    try {
      await call('saveProfile', draft);
      for (const [name, value] of Object.entries(secretInputs)) if (value) await call('setProfileSecret', { profileId: profile.id, name: name as SecretName, value });
      setSecretInputs({});
      setDirty(false);
      await loadSecrets();
      await reload();
      return true;
    } catch (err) {
      setSaveError(err);
      return false;
    }
  };

  const discover = async () => {
    const issuer = draft.issuer ?? group?.defaults.issuer;
    if (!issuer) return;
    setDiscovering(true);
    setDiscoverError(null);
    try {
      setMetadata((await call('discover', { issuer, profileId: profile.id })).metadata);
    } catch (err) {
      setMetadata(null);
      setDiscoverError(err);
    } finally {
      setDiscovering(false);
    }
  };

  const startRun = async (label: string, work: (runId: string) => Promise<RunSummary>) => {
    if (run) return;
    const runId = newRunId();
    setRunError(null);
    setFailedTranscript(null);
    setRun({ runId, label });
    try {
      const summary = await work(runId);
      setCurrent({ entry: summary.history, tokens: summary.tokens, transcript: summary.transcript });
      setTab('tokens');
    } catch (err) {
      setRunError(err);
      const transcript = err instanceof ApiError ? err.info.details?.transcript : undefined;
      if (Array.isArray(transcript) && transcript.length) setFailedTranscript(transcript as TranscriptEntry[]);
    } finally {
      setRun(null);
    }
  };

  const getToken = async () => {
    if (run) return;
    if (missing.length) {
      setShowMissing(true);
      return;
    }
    if ((dirty || Object.values(secretInputs).some(Boolean)) && !(await save())) return;
    await startRun('Getting a token', (runId) => call('getToken', { runId, profileId: profile.id, inputs: runInputs }));
  };

  // Ctrl/Cmd+Enter anywhere in the window runs the open profile.
  useEffect(() => {
    const onShortcut = () => void getToken();
    window.addEventListener('tokenbench:get-token', onShortcut);
    return () => window.removeEventListener('tokenbench:get-token', onShortcut);
  });

  const clearSecret = async (name: SecretName) => {
    await call('clearProfileSecret', { profileId: profile.id, name });
    await loadSecrets();
  };

  return (
    <div className="screen">
      <div className="screen-head">
        <div className="grow">
          <h2 data-testid="profile-title">{profile.name}</h2>
          <div className="muted">{group ? group.name : 'Ungrouped'}</div>
        </div>
        {dirty || Object.values(secretInputs).some(Boolean) ? <span className="badge">unsaved</span> : null}
        <button onClick={() => void save()} disabled={!dirty && !Object.values(secretInputs).some(Boolean)}>
          Save
        </button>
        <button className="primary" onClick={() => void getToken()} disabled={Boolean(run)} title="Ctrl/Cmd+Enter">
          Get token
        </button>
      </div>
      <ErrorBox error={saveError} testId="save-error" />
      <div className="profile-layout">
        <RequestPanel
          draft={draft}
          onChange={edit}
          groupIssuer={group?.defaults.issuer}
          secrets={secrets}
          secretInputs={secretInputs}
          onSecretInput={(name, value) => setSecretInputs({ ...secretInputs, [name]: value })}
          onClearSecret={(name) => void clearSecret(name)}
          runInputs={runInputs}
          onRunInputs={setRunInputs}
          metadata={metadata}
          discovering={discovering}
          discoverError={discoverError}
          onDiscover={() => void discover()}
          keys={keys}
        />
        <div style={{ display: 'flex', flexDirection: 'column', gap: 12, minWidth: 0 }}>
          {missing.length && (showMissing || dirty) ? (
            <div className="missing" role="alert" data-testid="missing-fields">
              <strong>Before sending, fill in:</strong> {missing.join(', ')}
            </div>
          ) : null}
          {run ? <RunState run={run} onCancel={() => void call('cancelRun', { runId: run.runId })} /> : null}
          <ErrorBox error={runError} testId="run-error" />
          <div className="panel">
            <div className="tabs">
              <div role="tablist" aria-label="Results">
                {(['tokens', 'exchange', 'api'] as const).map((t) => (
                  <button key={t} role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
                    {t === 'tokens' ? 'Tokens' : t === 'exchange' ? 'Exchange' : 'API request'}
                  </button>
                ))}
              </div>
              <span className="spacer" />
              {entries.length > 1 ? (
                <select aria-label="Tokens from history" style={{ alignSelf: 'center', maxWidth: 260 }} value={current?.entry.id ?? ''} onChange={(e) => void openEntry(e.target.value)}>
                  {entries.map((e) => (
                    <option key={e.id} value={e.id}>
                      {new Date(e.obtainedAt).toLocaleString()} · {e.grantType}
                      {e.expiresAt && Date.parse(e.expiresAt) < Date.now() ? ' · expired' : ''}
                    </option>
                  ))}
                </select>
              ) : null}
            </div>
            {tab === 'tokens' ? (
              current ? (
                <TokenView
                  key={current.entry.id}
                  profile={profile}
                  current={current}
                  busy={Boolean(run)}
                  onRefresh={() => void startRun('Refreshing', (runId) => call('refresh', { runId, profileId: profile.id, historyId: current.entry.id }))}
                  onTranscript={(transcript) => setCurrent({ ...current, transcript })}
                />
              ) : (
                <div className="empty">No token yet. Fill in the request and press Get token (Ctrl/Cmd+Enter).</div>
              )
            ) : null}
            {tab === 'exchange' ? <ExchangeView transcript={failedTranscript ?? current?.transcript ?? []} /> : null}
            {tab === 'api' ? <ApiPanel profileId={profile.id} historyId={current?.entry.id} onRefreshed={(entry) => void call('getHistoryTokens', { historyId: entry.id }).then((tokens) => setCurrent({ entry, tokens }))} /> : null}
          </div>
        </div>
      </div>
    </div>
  );
}

function RunState({ run, onCancel }: { run: { label: string; progress?: RunProgress }; onCancel: () => void }) {
  const now = useNow(1000);
  const p = run.progress;
  const left = (iso: string) => formatDuration((Date.parse(iso) - now) / 1000);
  let text: React.ReactNode = `${run.label}…`;
  if (p?.kind === 'browser_opened') text = 'Opened the sign-in page in your browser…';
  if (p?.kind === 'waiting_for_redirect')
    text = (
      <>
        Waiting for you to sign in in your browser — <span className="muted">{left(p.expiresAt)} left</span>
      </>
    );
  if (p?.kind === 'device_code' || p?.kind === 'polling') text = <DeviceCode progress={p} now={now} />;
  return (
    <div className="panel run-state" data-testid="run-state" aria-live="polite">
      <div className="spinner" />
      <div className="grow">{text}</div>
      <button onClick={onCancel}>Cancel</button>
    </div>
  );
}

let lastDevice: Extract<RunProgress, { kind: 'device_code' }> | undefined;
function DeviceCode({ progress, now }: { progress: RunProgress; now: number }) {
  // Polling events do not repeat the code; keep showing the last one.
  if (progress.kind === 'device_code') lastDevice = progress;
  const d = lastDevice;
  if (!d) return <>Polling…</>;
  return (
    <div>
      Enter code <span className="user-code">{d.userCode}</span> at <code>{d.verificationUri}</code>
      <div className="muted">
        {progress.kind === 'polling' ? `polling (attempt ${progress.attempt}) · ` : ''}
        {formatDuration((Date.parse(d.expiresAt) - now) / 1000)} left
      </div>
    </div>
  );
}
