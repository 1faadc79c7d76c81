import { useState } from 'react';
import type { ConvertedImport, ImportFormat, ImportReport } from '../../../shared/ipc';
import { call } from '../api';
import { Modal } from './Dialogs';
import { ErrorBox } from './ErrorBox';

/**
 * Importers (issue 13 §4): Postman, Insomnia, Bruno or a pasted curl command become a connections
 * document in main; a dialog shows what was mapped, what was not and which secrets were left out,
 * and only its "Import" hands the document to the normal import path.
 */
const FORMAT_NAMES: Record<ImportFormat, string> = { postman: 'Postman', insomnia: 'Insomnia', bruno: 'Bruno', curl: 'curl' };

export function ForeignImport({ reload }: { reload: () => Promise<void> }) {
  const [format, setFormat] = useState<ImportFormat | ''>('');
  const [paste, setPaste] = useState('');
  const [converted, setConverted] = useState<ConvertedImport | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  const convert = async (files: Array<{ name: string; text: string }>) => {
    setError(null);
    setConverted(null);
    setReport(null);
    try {
      setConverted(await call('convertImport', { ...(format ? { format } : {}), files }));
    } catch (err) {
      setError(err);
    }
  };
  const fromFiles = async (list: FileList | null) => {
    if (!list?.length) return;
    const files = await Promise.all(
      [...list]
        // A Bruno folder brings everything in it: only its .bru files and bruno.json matter.
        .filter((f) => !f.webkitRelativePath || /\.bru$|bruno\.json$/.test(f.name))
        .map(async (f) => ({ name: f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name, text: await f.text() })),
    );
    await convert(files);
  };
  const doImport = async () => {
    if (!converted) return;
    setError(null);
    try {
      setReport(await call('importConnections', { json: converted.json }));
      setConverted(null);
      await reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="panel" data-testid="foreign-import">
      <h3>Import from Postman, Insomnia, Bruno or curl</h3>
      <div className="muted" style={{ marginBottom: 6 }}>
        OAuth 2.0 settings become groups, environments and profiles. Secrets found in a file are never taken: they are listed so you can set them after the import.
      </div>
      <div className="row wrap">
        <label htmlFor="foreign-format">Format</label>
        <select id="foreign-format" value={format} onChange={(e) => setFormat(e.target.value as ImportFormat | '')}>
          <option value="">Detect</option>
          <option value="postman">Postman collection v2.1 / environment</option>
          <option value="insomnia">Insomnia export (v4 JSON, v5 YAML)</option>
          <option value="bruno">Bruno collection folder</option>
          <option value="curl">curl command</option>
        </select>
        <input type="file" multiple accept=".json,.yaml,.yml,.bru,.txt" aria-label="Files to import (Postman collection and environments, Insomnia export)" onChange={(e) => void fromFiles(e.target.files)} />
        <label className="row">
          Bruno folder
          <input type="file" aria-label="Bruno collection folder" {...({ webkitdirectory: '', directory: '' } as Record<string, string>)} onChange={(e) => void fromFiles(e.target.files)} />
        </label>
      </div>
      <div className="field" style={{ marginTop: 8 }}>
        <label htmlFor="foreign-curl">Or paste a curl command that calls a token endpoint</label>
        <textarea id="foreign-curl" rows={3} value={paste} onChange={(e) => setPaste(e.target.value)} placeholder="curl -X POST https://login.example.com/oauth2/token -u client:secret -d grant_type=client_credentials" />
        <div>
          <button type="button" disabled={!paste.trim()} onClick={() => void convert([{ name: 'pasted curl', text: paste }])}>
            Read the curl command
          </button>
        </div>
      </div>
      {converted ? null : <ErrorBox error={error} />}
      {converted ? (
        <Modal title={`Import from ${FORMAT_NAMES[converted.format]}`} onClose={() => setConverted(null)} wide testId="foreign-preview">
          <div>
            Read from {converted.format}: {converted.groups} group(s), {converted.profiles} profile(s).
          </div>
          {converted.needsSecret.length ? (
            <div>
              <div>Secrets found and left out (set them on the profile after the import):</div>
              <ul>
                {converted.needsSecret.map((n, i) => (
                  <li key={i}>
                    {n.profile}: {n.secret}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {converted.unmapped.length ? (
            <div>
              <div>Not mapped:</div>
              <ul>
                {converted.unmapped.map((u, i) => (
                  <li key={i}>{u}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <ErrorBox error={error} />
          <div className="buttons">
            <button onClick={() => setConverted(null)}>Cancel</button>
            <button className="primary" onClick={() => void doImport()} disabled={converted.profiles === 0 && converted.groups === 0}>
              Import
            </button>
          </div>
        </Modal>
      ) : null}
      {report ? (
        <div className="notice" role="status" style={{ marginTop: 8 }} data-testid="foreign-import-report">
          Imported {report.groups} group(s) and {report.profiles} profile(s).
          {report.needSecrets.length ? ` ${report.needSecrets.length} profile(s) need their secrets set before they can run.` : ''}
        </div>
      ) : null}
    </div>
  );
}
