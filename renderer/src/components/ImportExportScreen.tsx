import { useEffect, useRef, useState } from 'react';
import type { ImportDecision, ImportPlan, ImportPlanItem, ImportReport, Workspace } from '../../../shared/ipc';
import { call } from '../api';
import { destinationLabel } from '../../../shared/import-trust';
import { download } from '../lib/hooks';
import { ErrorBox } from './ErrorBox';
import { ForeignImport } from './ForeignImport';

type Action = ImportDecision['action'];
const keyOf = (item: Pick<ImportPlanItem, 'kind' | 'fileId'>) => `${item.kind}:${item.fileId}`;

/**
 * Share connections in git: export groups and profiles as JSON without
 * secrets; import them back in two steps (issue 11): the file is checked and
 * shown as a plan, the user decides per entry (new copy, replace, skip), then
 * it is applied. A replace shows what changes; the engine decides everything.
 */
export function ImportExportScreen({ workspace, reload }: { workspace: Workspace; reload: () => Promise<void> }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [exportedInfo, setExportedInfo] = useState<string | null>(null);
  const [file, setFile] = useState<{ name: string; json: string } | null>(null);
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [actions, setActions] = useState<Record<string, Action>>({});
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const planHeading = useRef<HTMLHeadingElement>(null);
  const reportHeading = useRef<HTMLHeadingElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (plan) planHeading.current?.focus();
  }, [plan]);
  useEffect(() => {
    if (report) reportHeading.current?.focus();
  }, [report]);

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

  const preview = async (f: File) => {
    setError(null);
    setReport(null);
    setPlan(null);
    try {
      const json = await f.text();
      setFile({ name: f.name, json });
      setActions({});
      setPlan(await call('previewImport', { json, source: f.name }));
    } catch (err) {
      setError(err);
    }
  };

  const apply = async () => {
    if (!plan || !file) return;
    setError(null);
    setBusy(true);
    try {
      const decisions: ImportDecision[] = [...plan.groups, ...plan.profiles]
        .filter((i) => i.status !== 'invalid' && (actions[keyOf(i)] ?? 'new') !== 'new')
        .map((i) => ({ kind: i.kind, fileId: i.fileId, action: actions[keyOf(i)]!, ...(actions[keyOf(i)] === 'replace' ? { digest: i.digest } : {}) }));
      setReport(await call('importConnections', { json: file.json, source: file.name, decisions }));
      setPlan(null);
      setFile(null);
      if (fileInput.current) fileInput.current.value = '';
      await reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => {
    setPlan(null);
    setFile(null);
    if (fileInput.current) {
      fileInput.current.value = '';
      fileInput.current.focus();
    }
  };

  const items = plan ? [...plan.groups, ...plan.profiles] : [];
  const invalid = items.filter((i) => i.status === 'invalid');

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
        <div className="muted" style={{ marginBottom: 6 }} id="import-help">
          A connections file is checked completely and shown as a plan before anything changes. Imported entries get new ids; an entry that matches an existing one replaces it only if you choose so below.
          Stored secrets never go to servers named by a file, and key aliases and assertion claims from a file are used only after you review them on the profile.
        </div>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          aria-label="Connections file"
          aria-describedby="import-help"
          onChange={(e) => e.target.files?.[0] && void preview(e.target.files[0])}
        />
        <ErrorBox error={error} testId="import-error" />
        {plan ? (
          <section className="import-plan" aria-labelledby="import-plan-heading" data-testid="import-plan" style={{ marginTop: 8 }}>
            <h4 id="import-plan-heading" ref={planHeading} tabIndex={-1}>
              Plan for {file?.name}
            </h4>
            {plan.problems.map((p) => (
              <div key={p} className="missing" role="alert">
                {p}
              </div>
            ))}
            {invalid.length ? (
              <div className="missing" role="alert" data-testid="import-invalid">
                This file cannot be imported: {invalid.length} entr{invalid.length === 1 ? 'y is' : 'ies are'} invalid. Nothing will change until the file is fixed.
              </div>
            ) : null}
            <ul style={{ listStyle: 'none', padding: 0, display: 'flex', flexDirection: 'column', gap: 8 }}>
              {items.map((item) => (
                <PlanItem
                  key={keyOf(item)}
                  item={item}
                  action={actions[keyOf(item)] ?? 'new'}
                  onAction={(a) => setActions({ ...actions, [keyOf(item)]: a })}
                  disabled={!plan.valid}
                />
              ))}
            </ul>
            <div className="row" style={{ marginTop: 8 }}>
              <button className="primary" onClick={() => void apply()} disabled={!plan.valid || busy || items.length === 0} data-testid="import-apply">
                Import
              </button>
              <button onClick={cancel}>Cancel</button>
            </div>
          </section>
        ) : null}
        {report ? <ImportReportView report={report} headingRef={reportHeading} /> : null}
      </div>
      <ForeignImport reload={reload} />
    </div>
  );
}

function PlanItem({ item, action, onAction, disabled }: { item: ImportPlanItem; action: Action; onAction: (a: Action) => void; disabled: boolean }) {
  const label = `${item.kind === 'group' ? 'Group' : 'Profile'} "${item.name}"`;
  const radioName = `import-${item.kind}-${item.index}`;
  const choices: Array<[Action, string]> =
    item.status === 'conflict'
      ? [
          ['new', 'Import as a new copy'],
          ['replace', `Replace "${item.existing?.name}"`],
          ['skip', 'Skip'],
        ]
      : [
          ['new', 'Import'],
          ['skip', 'Skip'],
        ];
  return (
    <li className="panel" data-testid="import-item" data-status={item.status} data-kind={item.kind}>
      <div className="row wrap">
        <strong>{label}</strong>
        <span className={`badge${item.status === 'invalid' ? ' bad' : ''}`}>
          {item.status === 'new' ? 'new' : item.status === 'conflict' ? `same id as existing "${item.existing?.name}"` : 'invalid'}
        </span>
      </div>
      {item.reason ? <div className="missing">{item.reason}</div> : null}
      {item.importedAs ? <div className="muted">The name is taken: imported as "{item.importedAs}".</div> : null}
      {item.notes.map((n) => (
        <div key={n} className="muted">
          {n}
        </div>
      ))}
      {item.status !== 'invalid' ? (
        <fieldset disabled={disabled} style={{ border: 0, padding: 0, margin: '4px 0' }}>
          <legend className="muted">What to do with {label}</legend>
          <div className="row wrap">
            {choices.map(([value, text]) => (
              <label key={value} className="row">
                <input type="radio" name={radioName} value={value} checked={action === value} onChange={() => onAction(value)} />
                {text}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      {item.status === 'conflict' ? (
        <details open={action === 'replace'}>
          <summary>What replacing changes ({item.changes.length})</summary>
          {item.changes.length ? (
            <table className="import-changes">
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Now</th>
                  <th scope="col">From the file</th>
                </tr>
              </thead>
              <tbody>
                {item.changes.map((c) => (
                  <tr key={c.field}>
                    <th scope="row">
                      <code>{c.field}</code>
                      {c.destination ? <span className="badge bad"> where requests go</span> : null}
                      {c.signing ? <span className="badge bad"> signing</span> : null}
                    </th>
                    <td>
                      <code>{c.before ?? '(unset)'}</code>
                    </td>
                    <td>
                      <code>{c.after ?? '(unset)'}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <div className="muted">No differences.</div>
          )}
        </details>
      ) : null}
      {item.status === 'conflict' && item.clearsSecretsOf.length ? (
        <div className="missing" data-testid="import-clears">
          Replacing sends the requests of {item.clearsSecretsOf.map((p) => `"${p.name}"`).join(', ')} elsewhere: their stored secrets and tokens are cleared and must be entered again.
        </div>
      ) : null}
      {item.needsConfirmation.length ? (
        <div className="muted">Its key alias / assertion claims ({item.needsConfirmation.join(', ')}) are used only after you review them on the profile.</div>
      ) : null}
      {item.fileSecrets.length ? <div className="muted">The file fills in {item.fileSecrets.join(', ')} (never over a stored secret).</div> : null}
    </li>
  );
}

function ImportReportView({ report, headingRef }: { report: ImportReport; headingRef: React.RefObject<HTMLHeadingElement | null> }) {
  return (
    <div className="notice" style={{ marginTop: 8 }} data-testid="import-report" role="status">
      <h4 ref={headingRef} tabIndex={-1} style={{ margin: 0 }}>
        Imported {report.groups} group(s) and {report.profiles} profile(s)
      </h4>
      <div>
        {report.created.length} new, {report.replaced.length} replaced, {report.skipped.length} skipped.
      </div>
      {report.clearedSecrets.length ? (
        <div className="missing" style={{ marginTop: 4 }} data-testid="import-cleared">
          <strong>Stored secrets and tokens cleared</strong> (their requests now go elsewhere — enter the secrets again):
          <ul>
            {report.clearedSecrets.map((c) => (
              <li key={c.profileId}>
                {c.name}: {c.because.map(destinationLabel).join(', ')} changed
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.awaitingConfirmation.length ? (
        <div style={{ marginTop: 4 }}>
          Review before use (open the profile, then "Review imported settings"):
          <ul>
            {report.awaitingConfirmation.map((a) => (
              <li key={a.profileId}>
                {a.name}: {a.fields.join(', ')}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
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
  );
}
