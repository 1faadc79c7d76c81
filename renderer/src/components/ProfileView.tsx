import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HistoryEntry, KeyInfo, RunSummary, SecretName, SecretStatus, ServerMetadata } from '../../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../../shared/profile';
import type { TranscriptEntry } from '../../../shared/transcript';
import { ApiError, call, newRunId, onEvent } from '../api';
import { elementOfMissing, FieldErrorsContext, fieldErrorsOf, focusFirstInvalid } from '../lib/field-errors';
import { missingFields } from '../lib/profile-rules';
import { revealTop } from '../lib/reveal';
import { editDraft, isDirty, setError, stripTimes, syncSaved, updateSession, useSession, type LastRun } from '../lib/session-store';
import { ApiPanel } from './ApiPanel';
import { EnvironmentBar } from './EnvironmentBar';
import { ErrorBox } from './ErrorBox';
import { ExchangeView } from './ExchangeView';
import { ImportReviewBanner } from './ImportReviewBanner';
import { RequestPanel } from './RequestPanel';
import { RunState, withProgress, type RunningState } from './RunState';
import { TokenView } from './TokenView';

/** Kept for modules that imported it from here. */
export type CurrentTokens = LastRun;

/**
 * One profile: its request form on the left, the run and its results on the right. Everything the user
 * typed or got lives in the profile's session (lib/session-store), so opening another profile loses nothing.
 */
export function ProfileView({ profile, group, reload }: { profile: ConnectionProfile; group?: ConnectionGroup; reload: () => Promise<void> }) {
  const s = useSession(profile);
  const id = profile.id;
  const dirty = isDirty(s);
  const [secrets, setSecrets] = useState<SecretStatus[]>([]);
  const [metadata, setMetadata] = useState<ServerMetadata | null>(null);
  const [discovering, setDiscovering] = useState(false);
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const [run, setRun] = useState<RunningState | null>(null);
  const [saving, setSaving] = useState(false);
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  /** The results column: a run's progress, its error, then the tokens. */
  const results = useRef<HTMLDivElement>(null);

  const loadEntries = useCallback(async () => setEntries((await call('listHistory', { profileId: id })).filter((e) => e.stored)), [id]);
  useEffect(() => {
    void loadEntries().catch(() => undefined);
    return onEvent((e) => {
      if (e.type === 'history.changed' && (!e.profileId || e.profileId === id)) void loadEntries().catch(() => undefined);
    });
  }, [id, loadEntries]);

  // The shown entry follows the store's changes to it (revoked marks).
  const shown = s.lastRun;
  useEffect(() => {
    if (!shown) return;
    const fresh = entries.find((e) => e.id === shown.entry.id);
    if (fresh && JSON.stringify(fresh) !== JSON.stringify(shown.entry)) updateSession(id, (x) => (x.lastRun ? { lastRun: { ...x.lastRun, entry: fresh } } : {}));
  }, [entries, shown, id]);

  /** Shows a history entry's tokens, with its transcript when one was kept. */
  const showEntry = useCallback(
    async (entry: HistoryEntry) => {
      const tokens = await call('getHistoryTokens', { historyId: entry.id });
      const transcript = entry.hasTranscript ? await call('getHistoryTranscript', { historyId: entry.id }).catch(() => undefined) : undefined;
      updateSession(id, { lastRun: { entry, tokens, ...(transcript ? { transcript } : {}) } });
    },
    [id],
  );
  const openEntry = async (historyId: string) => {
    const entry = entries.find((e) => e.id === historyId);
    if (!entry) return;
    try {
      await showEntry(entry);
      updateSession(id, { tab: 'tokens' });
    } catch (err) {
      setError(id, 'action', err);
    }
  };

  // A save elsewhere (rename in the sidebar) updates the form unless the user has unsaved edits.
  useEffect(() => syncSaved(profile), [profile]);

  const loadSecrets = useCallback(async () => setSecrets(await call('getProfileSecrets', { profileId: id })), [id]);
  useEffect(() => {
    void loadSecrets().catch(() => undefined);
    void call('listKeys', {})
      .then(setKeys)
      .catch(() => undefined);
    // Opened for the first time this session: show the profile's newest tokens, and the exchanges of that run.
    if (!s.lastRun)
      void (async () => {
        const [entry] = (await call('listHistory', { profileId: id })).filter((e) => e.stored);
        if (entry) await showEntry(entry);
      })().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, loadSecrets, showEntry]);

  useEffect(
    () =>
      onEvent((event) => {
        if (event.type === 'run.progress') setRun((r) => (r && r.runId === event.runId ? withProgress(r, event.progress) : r));
      }),
    [],
  );

  const secretsWithInputs = secrets.map((x) => (s.secretInputs[x.name] ? { ...x, set: true } : x));
  const missing = useMemo(() => missingFields(s.draft, secretsWithInputs, s.runInputs, group?.defaults.issuer), [s.draft, secretsWithInputs, s.runInputs, group]);
  // Missing fields are marked next to each field once the user tried to send; server-found problems always.
  const fieldMessages = useMemo(() => {
    const out: Record<string, string> = {};
    if (s.showMissing) for (const label of missing) {
      const el = elementOfMissing(label);
      if (el) out[el] = 'Required to send';
    }
    for (const [el, e] of Object.entries(s.fieldErrors)) out[el] = e.message;
    return out;
  }, [s.showMissing, missing, s.fieldErrors]);

  const save = async (): Promise<boolean> => {
    setSaving(true);
    setError(id, 'save', null);
    try {
      const saved = await call('saveProfile', s.draft);
      for (const [name, value] of Object.entries(s.secretInputs)) if (value) await call('setProfileSecret', { profileId: id, name: name as SecretName, value });
      updateSession(id, { base: stripTimes(saved), draft: stripTimes(saved), secretInputs: {}, fieldErrors: {} });
      await loadSecrets();
      await reload();
      return true;
    } catch (err) {
      const fieldErrors = fieldErrorsOf(err, s.draft);
      updateSession(id, (x) => ({ errors: { ...x.errors, save: err }, fieldErrors: { ...x.fieldErrors, ...fieldErrors } }));
      focusFirstInvalid(Object.keys(fieldErrors));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const discover = async () => {
    const issuer = s.draft.issuer ?? group?.defaults.issuer;
    if (!issuer) return;
    setDiscovering(true);
    setError(id, 'discover', null);
    try {
      setMetadata((await call('discover', { issuer, profileId: id })).metadata);
    } catch (err) {
      setMetadata(null);
      setError(id, 'discover', err);
    } finally {
      setDiscovering(false);
    }
  };

  const startRun = async (label: string, work: (runId: string) => Promise<RunSummary>) => {
    if (run) return;
    const runId = newRunId();
    // A new run replaces what the previous one left: its error and its failed exchanges.
    updateSession(id, (x) => ({ errors: { ...x.errors, run: undefined, action: undefined }, lastFailure: undefined }));
    setRun({ runId, label });
    // The run's progress, then its outcome, show where the user can see them (stacked under the form at narrow widths).
    revealTop(results.current);
    try {
      const summary = await work(runId);
      updateSession(id, { lastRun: { entry: summary.history, tokens: summary.tokens, transcript: summary.transcript }, lastFailure: undefined, tab: 'tokens' });
      revealTop(results.current);
    } catch (err) {
      const cancelled = err instanceof ApiError && err.info.code === 'CANCELLED';
      const transcript = err instanceof ApiError ? err.info.details?.transcript : undefined;
      const fieldErrors = fieldErrorsOf(err, s.draft);
      updateSession(id, (x) => ({
        errors: { ...x.errors, run: err },
        lastFailure: { at: new Date().toISOString(), cancelled, ...(Array.isArray(transcript) && transcript.length ? { transcript: transcript as TranscriptEntry[] } : {}) },
        fieldErrors: { ...x.fieldErrors, ...fieldErrors },
      }));
      // A field's error takes the user to the field; any other error is shown at the top of the results.
      if (Object.keys(fieldErrors).length) focusFirstInvalid(Object.keys(fieldErrors));
      else revealTop(results.current);
    } finally {
      setRun(null);
    }
  };

  /** Runs the form as it is: unsaved edits and typed secrets go with this run only, nothing is saved. */
  const getToken = async () => {
    if (run) return;
    if (missing.length) {
      updateSession(id, { showMissing: true });
      focusFirstInvalid(missing.map(elementOfMissing).filter((x): x is string => Boolean(x)));
      return;
    }
    const typed = Object.fromEntries(Object.entries(s.secretInputs).filter(([, v]) => Boolean(v)));
    await startRun('Getting a token', (runId) =>
      call('getToken', {
        runId,
        profileId: id,
        inputs: s.runInputs,
        ...(dirty ? { draft: s.draft } : {}),
        ...(Object.keys(typed).length ? { secrets: typed } : {}),
      }),
    );
  };

  // Ctrl/Cmd+Enter anywhere in the window runs the open profile.
  useEffect(() => {
    const onShortcut = () => void getToken();
    window.addEventListener('tokenbench:get-token', onShortcut);
    return () => window.removeEventListener('tokenbench:get-token', onShortcut);
  });

  const clearSecret = async (name: SecretName) => {
    await call('clearProfileSecret', { profileId: id, name });
    await loadSecrets();
  };

  const lastRun = s.lastRun;
  const failedAfterLastRun = s.lastFailure && !s.lastFailure.cancelled;
  const tab = s.tab;
  const setTab = (t: typeof tab) => {
    updateSession(id, { tab: t });
    // A shorter tab (Exchange after Tokens) would leave a stacked window scrolled past its own tab bar.
    revealTop(results.current);
  };

  return (
    <div className="screen">
      <div className="screen-head">
        <div className="grow">
          <h2 data-testid="profile-title">
            {profile.name}
            {dirty ? (
              <span className="unsaved-mark" data-testid="title-unsaved" title="unsaved changes">
                {' '}● <span className="muted">unsaved changes</span>
              </span>
            ) : null}
          </h2>
          <div className="muted">{group ? group.name : 'Ungrouped'}</div>
          <EnvironmentBar group={group} reload={reload} />
        </div>
        <button onClick={() => void save()} disabled={!dirty || saving}>
          Save
        </button>
        <button onClick={() => updateSession(id, { draft: s.base, secretInputs: {}, fieldErrors: {}, errors: { ...s.errors, save: undefined } })} disabled={!dirty} title="Back to the saved profile">
          Revert
        </button>
        <button className="primary" onClick={() => void getToken()} disabled={Boolean(run)} title="Ctrl/Cmd+Enter — runs the form as it is, without saving it">
          Get token
        </button>
      </div>
      <ErrorBox error={s.errors.save} testId="save-error" />
      <ImportReviewBanner profile={profile} onConfirmed={reload} />
      <FieldErrorsContext.Provider value={fieldMessages}>
        <div className="profile-layout">
          <RequestPanel
            draft={s.draft}
            onChange={(next) => editDraft(id, next)}
            groupIssuer={group?.defaults.issuer}
            secrets={secrets}
            secretInputs={s.secretInputs}
            onSecretInput={(name, value) => updateSession(id, (x) => ({ secretInputs: { ...x.secretInputs, [name]: value } }))}
            onClearSecret={(name) => void clearSecret(name)}
            runInputs={s.runInputs}
            onRunInputs={(runInputs) => updateSession(id, { runInputs })}
            metadata={metadata}
            discovering={discovering}
            discoverError={s.errors.discover}
            onDiscover={() => void discover()}
            keys={keys}
            onWorkspaceChanged={() => void reload()}
          />
          <div ref={results} style={{ display: 'flex', flexDirection: 'column', gap: 12, minWidth: 0, scrollMarginTop: 12 }}>
            {missing.length && s.showMissing ? (
              <div className="missing" role="alert" data-testid="missing-fields">
                <strong>Before sending, fill in:</strong>{' '}
                {missing.map((label, i) => {
                  const el = elementOfMissing(label);
                  return (
                    <span key={label}>
                      {i ? ', ' : ''}
                      {el ? (
                        <button className="link" onClick={() => focusFirstInvalid([el])}>
                          {label}
                        </button>
                      ) : (
                        label
                      )}
                    </span>
                  );
                })}
              </div>
            ) : null}
            {run ? <RunState run={run} onCancel={() => void call('cancelRun', { runId: run.runId })} /> : null}
            <ErrorBox error={s.errors.run} testId="run-error" />
            <ErrorBox error={s.errors.action} testId="history-error" />
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
                  <select aria-label="Tokens from history" style={{ alignSelf: 'center', maxWidth: 260 }} value={lastRun?.entry.id ?? ''} onChange={(e) => void openEntry(e.target.value)}>
                    {entries.map((e) => (
                      <option key={e.id} value={e.id}>
                        {new Date(e.obtainedAt).toLocaleString()} · {e.grantType}
                        {e.revoked?.access ? ' · revoked' : e.expiresAt && Date.parse(e.expiresAt) < Date.now() ? ' · expired' : ''}
                      </option>
                    ))}
                  </select>
                ) : null}
              </div>
              {tab === 'tokens' ? (
                lastRun ? (
                  <>
                    <div className={failedAfterLastRun ? 'notice warn' : 'muted'} data-testid="last-run-note" style={{ margin: '6px 0' }}>
                      {failedAfterLastRun ? 'The latest run failed (see above). ' : ''}
                      {lastRun.entry.id === entries[0]?.id || !entries.length ? 'Tokens of the last successful run' : 'Tokens of an earlier run'} · {new Date(lastRun.entry.obtainedAt).toLocaleString()}
                    </div>
                    <TokenView
                      key={lastRun.entry.id}
                      profile={profile}
                      current={lastRun}
                      busy={Boolean(run)}
                      onRefresh={() => void startRun('Refreshing', (runId) => call('refresh', { runId, profileId: id, historyId: lastRun.entry.id }))}
                      onTranscript={(transcript) => updateSession(id, (x) => (x.lastRun ? { lastRun: { ...x.lastRun, transcript } } : {}))}
                    />
                  </>
                ) : (
                  <div className="empty">No token yet. Fill in the request and press Get token (Ctrl/Cmd+Enter).</div>
                )
              ) : null}
              {tab === 'exchange' ? (
                <>
                  {s.lastFailure?.transcript ? (
                    <div className="notice warn" style={{ margin: '6px 0' }}>
                      The exchanges of the failed run.
                    </div>
                  ) : lastRun?.transcript?.length ? (
                    <div className="muted" style={{ margin: '6px 0' }}>
                      The exchanges of the run of {new Date(lastRun.entry.obtainedAt).toLocaleString()}.
                    </div>
                  ) : null}
                  <ExchangeView transcript={s.lastFailure?.transcript ?? lastRun?.transcript ?? []} profileId={profile.id} />
                </>
              ) : null}
              {tab === 'api' ? (
                <ApiPanel
                  profile={profile}
                  session={s}
                  onRenewed={(entry) => void showEntry(entry).catch(() => undefined)}
                  onExchanges={(transcript) => updateSession(id, (x) => (x.lastRun ? { lastRun: { ...x.lastRun, transcript: [...(x.lastRun.transcript ?? []), ...transcript] } } : {}))}
                />
              ) : null}
            </div>
          </div>
        </div>
      </FieldErrorsContext.Provider>
    </div>
  );
}
