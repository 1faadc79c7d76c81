import { useCallback, useEffect, useState } from 'react';
import { ASYMMETRIC_SIGNING_ALGS } from '../../../shared/grants';
import type { KeyInfo } from '../../../shared/ipc';
import { call } from '../api';
import { download } from '../lib/hooks';
import { ConfirmDialog } from './Dialogs';
import { ErrorBox } from './ErrorBox';
import { Field } from './FormBits';

type Panel = { kind: 'generate' } | { kind: 'import' } | { kind: 'attach'; alias: string } | { kind: 'selfsigned'; alias: string } | { kind: 'kid'; alias: string; kid: string; thumbprint: string } | null;

/** Signing keys and certificates: list, generate, import, attach a certificate, export public material. */
export function KeystoreScreen() {
  const [keys, setKeys] = useState<KeyInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [exported, setExported] = useState<{ text: string; filename: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys(await call('listKeys', {}));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  const doExport = async (alias: string, format: 'jwk' | 'jwks' | 'pem' | 'certificate') => {
    setError(null);
    try {
      setExported(await call('exportKey', { alias, format }));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="screen" data-testid="keystore-screen">
      <div className="screen-head">
        <h2 className="grow">Keystore</h2>
        <button onClick={() => setPanel({ kind: 'generate' })}>Generate key</button>
        <button onClick={() => setPanel({ kind: 'import' })}>Import…</button>
      </div>
      <div className="muted">Private keys live in the OS keychain and never leave the workbench; only public keys and certificates are shown or exported here.</div>
      <ErrorBox error={error} />
      {panel ? <KeyForm key={JSON.stringify(panel)} panel={panel} onDone={() => (setPanel(null), void load())} onCancel={() => setPanel(null)} /> : null}
      {exported ? (
        <div className="panel">
          <div className="row">
            <strong className="grow">{exported.filename}</strong>
            <button onClick={() => download(exported.filename, exported.text, 'text/plain')}>Download</button>
            <button onClick={() => setExported(null)}>Close</button>
          </div>
          <pre style={{ marginTop: 6 }}>{exported.text}</pre>
        </div>
      ) : null}
      <div className="panel">
        {keys && keys.length === 0 ? <div className="empty">No keys yet. Generate one for private_key_jwt, or import a PEM, JWK or PKCS#12.</div> : null}
        {keys && keys.length ? (
          <table>
            <thead>
              <tr>
                <th>Alias</th>
                <th>Key</th>
                <th>kid / JWK thumbprint</th>
                <th>Certificate</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.alias} data-testid="key-row">
                  <td>
                    <strong>{k.alias}</strong>
                    <div className="muted">{k.source}</div>
                  </td>
                  <td>
                    {k.keyType} {k.modulusLength ?? k.curve ?? ''}
                    <div className="muted">{k.alg}</div>
                  </td>
                  <td className="mono">
                    {k.kid}
                    <div className="muted">{k.thumbprint}</div>
                  </td>
                  <td>
                    {k.certificate ? (
                      <>
                        <div>{k.certificate.subject}</div>
                        <div className="muted">until {new Date(k.certificate.notAfter).toLocaleDateString()}</div>
                        <div className="mono muted" title="x5t#S256">
                          x5t#S256 {k.certificate.x5tS256}
                        </div>
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>
                    <div className="actions">
                      <button onClick={() => void doExport(k.alias, 'jwk')}>JWK</button>
                      <button onClick={() => void doExport(k.alias, 'jwks')}>JWKS</button>
                      <button onClick={() => void doExport(k.alias, 'pem')}>PEM</button>
                      {k.certificate ? <button onClick={() => void doExport(k.alias, 'certificate')}>Cert</button> : null}
                      <button aria-label={`Edit kid of ${k.alias}`} onClick={() => setPanel({ kind: 'kid', alias: k.alias, kid: k.kid, thumbprint: k.thumbprint })}>
                        kid…
                      </button>
                      <button onClick={() => setPanel({ kind: 'attach', alias: k.alias })}>Attach cert…</button>
                      <button onClick={() => setPanel({ kind: 'selfsigned', alias: k.alias })}>Self-signed…</button>
                      <button className="danger" onClick={() => setConfirmDelete(k.alias)}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
      {confirmDelete ? (
        <ConfirmDialog
          title={`Delete key "${confirmDelete}"?`}
          message="The private key is removed from the keychain. Profiles using this alias stop working."
          confirmLabel="Delete key"
          danger
          onCancel={() => setConfirmDelete(null)}
          onConfirm={() => {
            const alias = confirmDelete;
            setConfirmDelete(null);
            void call('deleteKey', { alias })
              .then(load)
              .catch(setError);
          }}
        />
      ) : null}
    </div>
  );
}

function KeyForm({ panel, onDone, onCancel }: { panel: NonNullable<Panel>; onDone: () => void; onCancel: () => void }) {
  const [alias, setAlias] = useState('');
  const [alg, setAlg] = useState<(typeof ASYMMETRIC_SIGNING_ALGS)[number]>('ES256');
  const [text, setText] = useState('');
  const [binary, setBinary] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [subject, setSubject] = useState('CN=token-workbench-client');
  const [kid, setKid] = useState(panel.kind === 'kid' ? panel.kid : '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const readFile = async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const asText = new TextDecoder().decode(bytes);
    // PEM and JSON are text; DER and PKCS#12 go as base64.
    if (/-----BEGIN|^\s*[{[]/.test(asText)) {
      setText(asText);
      setBinary(null);
    } else {
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      setBinary(btoa(s));
      setText(`(binary file ${file.name}, ${bytes.length} bytes)`);
    }
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const data = binary ? { encoding: 'base64' as const, data: binary } : { encoding: 'text' as const, data: text };
      if (panel.kind === 'generate') await call('generateKey', { alias, alg });
      if (panel.kind === 'import') await call('importKey', { ...data, ...(alias ? { alias } : {}), ...(passphrase ? { passphrase } : {}) });
      if (panel.kind === 'attach') await call('attachCertificate', { alias: panel.alias, ...data });
      if (panel.kind === 'selfsigned') await call('generateCertificate', { alias: panel.alias, subject });
      if (panel.kind === 'kid') await call('setKeyKid', { alias: panel.alias, kid });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  /** Interop settings (issue 13): back to the RFC 7638 thumbprint, the kid `keys jwks` exports by default. */
  const resetKid = async () => {
    if (panel.kind !== 'kid') return;
    setBusy(true);
    setError(null);
    try {
      await call('setKeyKid', { alias: panel.alias, reset: true });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = {
    generate: 'Generate a key',
    import: 'Import a key',
    attach: `Attach a certificate to ${'alias' in panel ? panel.alias : ''}`,
    selfsigned: `Self-signed certificate for ${'alias' in panel ? panel.alias : ''}`,
    kid: `Key id (kid) of ${'alias' in panel ? panel.alias : ''}`,
  }[panel.kind];
  return (
    <div className="panel" data-testid="key-form">
      <h3>{title}</h3>
      {panel.kind === 'generate' || panel.kind === 'import' ? (
        <Field label={panel.kind === 'import' ? 'Alias (optional: from kid or thumbprint)' : 'Alias'} required={panel.kind === 'generate'} htmlFor="key-alias-input">
          <input id="key-alias-input" value={alias} onChange={(e) => setAlias(e.target.value)} placeholder="letters, digits, . _ -" />
        </Field>
      ) : null}
      {panel.kind === 'generate' ? (
        <Field label="Algorithm" htmlFor="key-alg-input">
          <select id="key-alg-input" value={alg} onChange={(e) => setAlg(e.target.value as typeof alg)}>
            {ASYMMETRIC_SIGNING_ALGS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </Field>
      ) : null}
      {panel.kind === 'import' || panel.kind === 'attach' ? (
        <>
          <Field label={panel.kind === 'import' ? 'PEM, JWK / JWKS, DER or PKCS#12' : 'Certificate (PEM or DER)'} htmlFor="key-file">
            <input id="key-file" type="file" onChange={(e) => e.target.files?.[0] && void readFile(e.target.files[0])} />
          </Field>
          <textarea
            rows={6}
            aria-label="Key or certificate text"
            placeholder="…or paste it here"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setBinary(null);
            }}
          />
        </>
      ) : null}
      {panel.kind === 'import' ? (
        <Field label="Passphrase (encrypted key or PKCS#12)" htmlFor="key-pass">
          <input id="key-pass" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        </Field>
      ) : null}
      {panel.kind === 'selfsigned' ? (
        <Field label="Subject" htmlFor="cert-subject">
          <input id="cert-subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
        </Field>
      ) : null}
      {panel.kind === 'kid' ? (
        <Field label="kid" required htmlFor="key-kid-input" hint={`What servers look the key up by, e.g. the kid an admin console assigned. Default: the JWK thumbprint ${panel.thumbprint}`}>
          <input id="key-kid-input" value={kid} maxLength={256} onChange={(e) => setKid(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && kid.trim() && void submit()} />
        </Field>
      ) : null}
      <ErrorBox error={error} />
      <div className="row" style={{ marginTop: 8 }}>
        {panel.kind === 'kid' ? (
          <button disabled={busy || panel.kid === panel.thumbprint} onClick={() => void resetKid()}>
            Reset to thumbprint
          </button>
        ) : null}
        <span className="spacer" />
        <button onClick={onCancel}>Cancel</button>
        <button className="primary" disabled={busy || (panel.kind === 'generate' && !alias) || ((panel.kind === 'import' || panel.kind === 'attach') && !text) || (panel.kind === 'kid' && !kid.trim())} onClick={() => void submit()}>
          {busy ? 'Working…' : 'OK'}
        </button>
      </div>
    </div>
  );
}
