import { useEffect, useState } from 'react';
import type { DataNotice } from '../../../shared/ipc';
import { call } from '../api';

/**
 * Data integrity (issue 11): damaged data files the app moved aside at start
 * (profiles, keystore metadata, vault, history), each named with its backup,
 * until the user dismisses them. The rest of the app works meanwhile.
 */
export function DataNoticeBanner() {
  const [notices, setNotices] = useState<DataNotice[]>([]);
  useEffect(() => {
    void call('appInfo', {}).then((info) => setNotices(info.notices ?? []), () => undefined);
  }, []);
  if (notices.length === 0) return null;
  return (
    <div className="missing data-notices" role="status" aria-live="polite" data-testid="data-notices">
      <ul>
        {notices.map((n) => (
          <li key={n.backup}>
            {n.message} <span className="muted">Backup: {n.backup}</span>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setNotices([])}>
        Dismiss
      </button>
    </div>
  );
}
