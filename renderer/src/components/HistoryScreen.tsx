import { useCallback, useEffect, useState } from 'react';
import type { HistoryEntry } from '../../../shared/ipc';
import { call, onEvent } from '../api';
import { formatDuration, useNow } from '../lib/hooks';
import { ConfirmDialog } from './Dialogs';
import { ErrorBox } from './ErrorBox';

/** Every token obtained, newest first; clearing also removes the tokens from the keychain. */
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
                  <tr key={e.id} data-testid="history-row">
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
