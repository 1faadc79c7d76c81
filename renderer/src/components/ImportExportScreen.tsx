import { useState } from 'react';
import type { ImportReport, Workspace } from '../../../shared/ipc';
import { call } from '../api';
import { download } from '../lib/hooks';
import { ErrorBox } from './ErrorBox';
import { ForeignImport } from './ForeignImport';

/** Share connections in git: export groups and profiles as JSON without secrets, import them back. */
export function ImportExportScreen({ workspace, reload }: { workspace: Workspace; reload: () => Promise<void> }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [exportedInfo, setExportedInfo] = useState<string | null>(null);

  const doExport = async () => {
    setError(null);
    try {
      const r = await call('exportConnections', selected.size ? { groupIds: [...selected] } : {});
      download(`tokenbench-connections-${new Date().toISOString().slice(0, 10)}.json`, r.json);
      setExportedInfo(`Exported ${r.groups} group(s) and ${r.profiles} profile(s). Secrets are placeholders.`);
    } catch (err) {
      setError(err);
    }
  };

  const doImport = async (file: File) => {
    setError(null);
    setReport(null);
    try {
      setReport(await call('importConnections', { json: await file.text() }));
      await reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="screen" data-testid="io-screen">
      <h2>Import / export</h2>
      <div className="panel">
        <h3>Export</h3>
        <div className="muted" style={{ marginBottom: 6 }}>
          Groups and their profiles as one JSON file. Client secrets and passwords are never written; each appears as a placeholder to fill in after import.
        </div>
        <div className="row wrap">
          {workspace.groups.map((g) => (
            <label key={g.id} className="row badge">
              <input
                type="checkbox"
                checked={selected.has(g.id)}
                onChange={(e) => {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(g.id);
                  else next.delete(g.id);
                  setSelected(next);
                }}
              />
              {g.name}
            </label>
          ))}
        </div>
        <div className="row" style={{ marginTop: 8 }}>
          <button className="primary" onClick={() => void doExport()}>
            {selected.size ? `Export ${selected.size} group(s)` : 'Export everything'}
          </button>
          {exportedInfo ? <span className="muted">{exportedInfo}</span> : null}
        </div>
      </div>
      <div className="panel">
        <h3>Import</h3>
        <div className="muted" style={{ marginBottom: 6 }}>
          Profiles and groups with the same id are updated; the file is checked completely before anything changes.
        </div>
        <input type="file" accept="application/json,.json" aria-label="Connections file" onChange={(e) => e.target.files?.[0] && void doImport(e.target.files[0])} />
        <ErrorBox error={error} />
        {report ? (
          <div className="notice" style={{ marginTop: 8 }} data-testid="import-report">
            Imported {report.groups} group(s) and {report.profiles} profile(s).
            {report.needSecrets.length ? (
              <>
                <div style={{ marginTop: 4 }}>These need their secrets set before they can run:</div>
                <ul>
                  {report.needSecrets.map((n) => (
                    <li key={n.profileId}>
                      {n.name}: {n.secrets.join(', ')}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        ) : null}
      </div>
      <ForeignImport reload={reload} />
    </div>
  );
}
