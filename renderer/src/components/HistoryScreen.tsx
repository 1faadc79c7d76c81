import { Fragment, useCallback, useEffect, useState } from 'react';
import type { ApiCallRecord, HistoryEntry } from '../../../shared/ipc';
import { call, onEvent } from '../api';
import { formatDuration, useNow } from '../lib/hooks';
import { ConfirmDialog } from './Dialogs';
import { ErrorBox } from './ErrorBox';

/** Every token obtained, newest first, each with the API calls made with it; clearing also removes the tokens from the keychain. */
export function HistoryScreen({ onOpenProfile }: { onOpenProfile: (id: string) => void }) {
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<{ profileId?: string; name: string } | null>(null);
  const now = useNow(5000);
  const load = useCallback(() => call('listHistory', {}).then(setEntries, setError), []);
  useEffect(() => {
    void load();
    return onEvent((e) => {
      if (e.type === 'history.changed') void load();
    });
  }, [load]);

  return (
    <div className="screen" data-testid="history-screen">
      <div className="screen-head">
        <h2 className="grow">History</h2>
        <button className="danger" disabled={!entries?.length} onClick={() => setConfirm({ name: 'all profiles' })}>
          Clear all…
        </button>
      </div>
      <ErrorBox error={error} />
      <div className="panel">
        {entries && entries.length === 0 ? <div className="empty">No tokens obtained yet.</div> : null}
        {entries?.length ? (
          <table>
            <thead>
              <tr>
                <th>Profile</th>
                <th>Grant</th>
                <th>Obtained</th>
                <th>Expiry</th>
                <th>Tokens</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const left = e.expiresAt ? (Date.parse(e.expiresAt) - now) / 1000 : undefined;
                return (
                  <Fragment key={e.id}>
                    <tr data-testid="history-row">
                      <td>
                        <button className="link" onClick={() => onOpenProfile(e.profileId)}>
                          {e.profileName}
                        </button>
                      </td>
                      <td>{e.grantType}</td>
                      <td>{new Date(e.obtainedAt).toLocaleString()}</td>
                      <td data-testid="history-expiry">
                        {e.revoked?.access ? (
                          <span className="badge revoked" title={`revoked ${new Date(e.revoked.access).toLocaleString()}`}>
                            revoked
                          </span>
                        ) : left === undefined ? (
                          <span className="muted">not stated</span>
                        ) : left > 0 ? (
                          `in ${formatDuration(left)}`
                        ) : (
                          <span className="status-bad">expired</span>
                        )}
                        {e.revoked?.refresh ? <span className="badge revoked"> refresh revoked</span> : null}
                      </td>
                      <td>
                        {e.has.access ? <span className="badge">access</span> : null} {e.has.id ? <span className="badge">id</span> : null} {e.has.refresh ? <span className="badge">refresh</span> : null}
                      </td>
                      <td>
                        <button className="link danger" onClick={() => setConfirm({ profileId: e.profileId, name: e.profileName })}>
                          Clear profile
                        </button>
                      </td>
                    </tr>
                    {e.apiCalls?.length ? (
                      <tr className="history-api" data-testid="history-api-calls">
                        <td colSpan={6}>
                          <ApiCalls calls={e.apiCalls} profileName={e.profileName} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </div>
      {confirm ? (
        <ConfirmDialog
          title={`Clear the history of ${confirm.name}?`}
          message="The entries and the tokens stored in the keychain for them are deleted."
          confirmLabel="Clear"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            const c = confirm;
            setConfirm(null);
            void call('clearHistory', c.profileId ? { profileId: c.profileId } : {})
              .then(load)
              .catch(setError);
          }}
        />
      ) : null}
    </div>
  );
}

const TOKEN_NAMES = { access: 'access token', id: 'ID token' } as const;

/** The API calls made with one entry's tokens, newest first: when, method, URL (redacted in main), answer, which token and where. */
function ApiCalls({ calls, profileName }: { calls: ApiCallRecord[]; profileName: string }) {
  return (
    <ul className="api-calls" aria-label={`API calls with the tokens of ${profileName}`}>
      {[...calls].reverse().map((a, i) => (
        <li key={`${a.at}-${i}`} data-testid="history-api-call">
          <span className="muted">API call {new Date(a.at).toLocaleString()}</span> <code>{a.method}</code> <span className="url">{a.url}</span>{' '}
          {a.status !== undefined ? (
            <span className={`badge${a.status >= 400 ? ' bad' : ' ok'}`} data-testid="history-api-status">
              {a.status}
            </span>
          ) : (
            <span className="badge bad">no answer{a.error ? ` (${a.error})` : ''}</span>
          )}{' '}
          <span className="muted">
            {TOKEN_NAMES[a.token]} {a.placement === 'query' ? 'in the query' : 'in the Authorization header'}
            {a.requestName ? ` · "${a.requestName}"` : ''}
            {a.renewedBecause ? ` · new tokens first (${a.renewedBecause === 'expired' ? 'the token had expired' : 'the API answered invalid_token'})` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
