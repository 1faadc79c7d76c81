import { useEffect, useRef, useState } from 'react';
import type { InspectorResult, KeyInfo, OperationArg } from '../../../shared/ipc';
import { describeClaim, describeHeader } from '../../../shared/token/claims';
import { call } from '../api';
import { ClaimTable } from './ClaimTable';
import { ErrorBox } from './ErrorBox';
import { Field } from './FormBits';
import { Report } from './TokenView';

type SourceKind = 'none' | 'issuer' | 'jwksUrl' | 'jwks' | 'keystore' | 'secret';
const SOURCES: Array<[SourceKind, string]> = [
  ['none', 'Decode only (no verification)'],
  ['issuer', 'Issuer (discovery, then its JWKS)'],
  ['jwksUrl', 'JWKS URL'],
  ['jwks', 'JWKS file or text'],
  ['keystore', 'Keystore key'],
  ['secret', 'Shared secret (HS256/384/512)'],
];
type Arg = OperationArg<'inspectorInspect'>;

/**
 * Any JWT or JWE, pasted or dropped: header and claims decoded as they are typed, then verified
 * against the key source the user picks, a JWE decrypted with a keystore key. The service does
 * all of it; this screen only collects the inputs and shows the answer.
 */
export function InspectorScreen() {
  const [token, setToken] = useState('');
  const [source, setSource] = useState<SourceKind>('none');
  const [issuer, setIssuer] = useState('');
  const [jwksUrl, setJwksUrl] = useState('');
  const [jwks, setJwks] = useState('');
  const [alias, setAlias] = useState('');
  const [secret, setSecret] = useState('');
  const [expectedAudience, setExpectedAudience] = useState('');
  const [expectedIssuer, setExpectedIssuer] = useState('');
  const [tokenKind, setTokenKind] = useState<'any' | 'id' | 'access'>('any');
  const [decryptWith, setDecryptWith] = useState('');
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const [result, setResult] = useState<InspectorResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    void call('listKeys', {}).then(setKeys, () => undefined);
  }, []);

  const sourceArg = (): Arg['source'] | null => {
    if (source === 'issuer') return issuer.trim() ? { kind: 'issuer', issuer: issuer.trim() } : null;
    if (source === 'jwksUrl') return jwksUrl.trim() ? { kind: 'jwksUrl', url: jwksUrl.trim() } : null;
    if (source === 'jwks') return jwks.trim() ? { kind: 'jwks', jwks } : null;
    if (source === 'keystore') return alias ? { kind: 'keystore', alias } : null;
    if (source === 'secret') return secret ? { kind: 'secret', secret } : null;
    return { kind: 'none' };
  };
  const missing = source !== 'none' && sourceArg() === null;

  const pendingDecode = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inspect = async (verify: boolean) => {
    // A verification asked for now includes the decoding the typing would have asked for next.
    clearTimeout(pendingDecode.current);
    const text = token.trim();
    const n = ++seq.current;
    if (!text) {
      setResult(null);
      setError(null);
      return;
    }
    const src = verify ? sourceArg() : { kind: 'none' as const };
    if (!src) return;
    setBusy(verify);
    try {
      const r = await call('inspectorInspect', {
        token: text,
        source: src,
        tokenKind,
        ...(expectedAudience.trim() ? { expectedAudience: expectedAudience.trim() } : {}),
        ...(source === 'issuer' ? (issuer.trim() ? { expectedIssuer: issuer.trim() } : {}) : expectedIssuer.trim() ? { expectedIssuer: expectedIssuer.trim() } : {}),
        ...(verify && decryptWith ? { decryptWith } : {}),
      });
      if (n !== seq.current) return;
      setResult(r);
      setError(null);
    } catch (err) {
      if (n !== seq.current) return;
      setResult(null);
      setError(err);
    } finally {
      if (n === seq.current) setBusy(false);
    }
  };

  // Decoded as it is typed or pasted (no network, no key): the header and claims show at once.
  useEffect(() => {
    pendingDecode.current = setTimeout(() => void inspect(false), 150);
    return () => clearTimeout(pendingDecode.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  // Ctrl/Cmd+Enter, the window's "run" shortcut, verifies here.
  const latest = useRef(() => undefined as unknown);
  latest.current = () => void inspect(true);
  useEffect(() => {
    const onShortcut = () => latest.current();
    window.addEventListener('tokenbench:get-token', onShortcut);
    return () => window.removeEventListener('tokenbench:get-token', onShortcut);
  }, []);

  const readFile = async (file: File) => {
    if (file.size > 2 * 1024 * 1024) {
      setError(new Error(`${file.name} is ${Math.round(file.size / 1024)} KB: a token file is at most 1 MB`));
      return;
    }
    setToken((await file.text()).trim());
  };

  const format = result?.format;
  const header = result?.header;
  const isJwe = format === 'jwe';

  return (
    <div className="screen" data-testid="inspector-screen">
      <div className="screen-head">
        <h2 className="grow">Inspector</h2>
        <button className="primary" disabled={!token.trim() || missing || busy} onClick={() => void inspect(true)} title="Ctrl/Cmd+Enter">
          {busy ? 'Checking…' : isJwe && source === 'none' ? 'Decrypt' : 'Verify'}
        </button>
      </div>
      <div className="inspector-layout">
        <div className="panel">
          <Field label="Token (JWT or JWE) — paste it, or drop a file here" htmlFor="inspector-token">
            <textarea
              id="inspector-token"
              rows={7}
              spellCheck={false}
              placeholder="eyJhbGciOi…"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                const file = e.dataTransfer.files[0];
                if (!file) return;
                e.preventDefault();
                void readFile(file);
              }}
            />
          </Field>
          <div className="row wrap">
            <label className="file-button">
              Open file…
              <input type="file" className="visually-hidden" aria-label="Open a token file" onChange={(e) => e.target.files?.[0] && void readFile(e.target.files[0])} />
            </label>
            {token ? (
              <button onClick={() => setToken('')} className="link">
                Clear
              </button>
            ) : null}
          </div>
          {isJwe ? (
            <Field label="Decrypt with keystore key" htmlFor="inspector-decrypt">
              <select id="inspector-decrypt" value={decryptWith} onChange={(e) => setDecryptWith(e.target.value)}>
                <option value="">(choose a key)</option>
                {keys
                  .filter((k) => k.keyType !== 'OKP')
                  .map((k) => (
                    <option key={k.alias} value={k.alias}>
                      {k.alias} ({k.keyType} {k.modulusLength ?? k.curve ?? ''})
                    </option>
                  ))}
              </select>
            </Field>
          ) : null}
          <h3>Verify against</h3>
          <Field label="Key source" htmlFor="inspector-source">
            <select id="inspector-source" value={source} onChange={(e) => setSource(e.target.value as SourceKind)}>
              {SOURCES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          {source === 'issuer' ? (
            <Field label="Issuer" required htmlFor="inspector-issuer" hint="Its discovery document names the JWKS; the token's iss must match.">
              <input id="inspector-issuer" value={issuer} placeholder={typeof result?.payload?.iss === 'string' ? result.payload.iss : 'https://login.example.com'} onChange={(e) => setIssuer(e.target.value)} />
            </Field>
          ) : null}
          {source === 'issuer' && !issuer && typeof result?.payload?.iss === 'string' ? (
            <button className="link" onClick={() => setIssuer(result.payload?.iss as string)}>
              Use the token's iss
            </button>
          ) : null}
          {source === 'jwksUrl' ? (
            <Field label="JWKS URL" required htmlFor="inspector-jwks-url">
              <input id="inspector-jwks-url" value={jwksUrl} placeholder="https://login.example.com/.well-known/jwks.json" onChange={(e) => setJwksUrl(e.target.value)} />
            </Field>
          ) : null}
          {source === 'jwks' ? (
            <Field label="JWKS (JSON)" required htmlFor="inspector-jwks">
              <textarea id="inspector-jwks" rows={5} value={jwks} placeholder='{"keys": [ … ]}' onChange={(e) => setJwks(e.target.value)} />
              <input type="file" accept=".json,application/json" aria-label="Open a JWKS file" onChange={(e) => e.target.files?.[0] && void e.target.files[0].text().then(setJwks)} />
            </Field>
          ) : null}
          {source === 'keystore' ? (
            <Field label="Keystore key" required htmlFor="inspector-alias">
              <select id="inspector-alias" value={alias} onChange={(e) => setAlias(e.target.value)}>
                <option value="">(choose a key)</option>
                {keys.map((k) => (
                  <option key={k.alias} value={k.alias}>
                    {k.alias} ({k.alg})
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {source === 'secret' ? (
            <Field label="Shared secret" required htmlFor="inspector-secret" hint="Used for this check only; not stored.">
              <input id="inspector-secret" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
            </Field>
          ) : null}
          {source !== 'none' && source !== 'issuer' ? (
            <Field label="Expected issuer (optional)" htmlFor="inspector-iss" hint="Without it, iss is not checked.">
              <input id="inspector-iss" value={expectedIssuer} placeholder={typeof result?.payload?.iss === 'string' ? result.payload.iss : ''} onChange={(e) => setExpectedIssuer(e.target.value)} />
            </Field>
          ) : null}
          {source !== 'none' ? (
            <div className="grid2">
              <Field label="Expected audience (optional)" htmlFor="inspector-aud">
                <input id="inspector-aud" value={expectedAudience} onChange={(e) => setExpectedAudience(e.target.value)} />
              </Field>
              <Field label="Token kind" htmlFor="inspector-kind">
                <select id="inspector-kind" value={tokenKind} onChange={(e) => setTokenKind(e.target.value as typeof tokenKind)}>
                  <option value="any">Any JWT</option>
                  <option value="id">ID token (OpenID Connect)</option>
                  <option value="access">Access token (RFC 9068)</option>
                </select>
              </Field>
            </div>
          ) : null}
        </div>
        <div className="panel" data-testid="inspector-result" aria-live="polite">
          <ErrorBox error={error} testId="inspector-error" />
          {!result && !error ? <div className="empty">Paste a token on the left: its header and claims show here; choose a key source and press Verify.</div> : null}
          {result ? (
            <>
              <div className="row wrap" data-testid="inspector-format">
                <span className="badge">{format === 'jwt' ? 'JWT (signed)' : format === 'jwe' ? 'JWE (encrypted)' : 'opaque token'}</span>
                {header ? (
                  <span className="muted">
                    {String(header.alg ?? '')}
                    {header.enc ? ` / ${String(header.enc)}` : ''}
                    {header.kid ? ` · kid ${String(header.kid)}` : ''}
                  </span>
                ) : null}
              </div>
              {format === 'opaque' ? <p className="muted">An opaque token carries no readable content: ask its server about it (introspection).</p> : null}
              {isJwe && !result.decrypted ? <p className="muted">Encrypted: choose the keystore key it was encrypted to, then press Verify to decrypt it.</p> : null}
              {result.decrypted ? (
                <div className="notice" data-testid="inspector-decrypted">
                  Decrypted {result.decrypted.plaintextBytes} bytes{result.decrypted.nested === 'jwt' ? ': a nested JWT, shown below' : result.decrypted.nested === 'jwe' ? ': another JWE inside' : ''}.
                  {result.decrypted.plaintext !== undefined ? <pre style={{ marginTop: 6 }}>{result.decrypted.plaintext}</pre> : null}
                </div>
              ) : null}
              {result.report ? <Report report={result.report} /> : null}
              {header ? <ClaimTable title={isJwe ? 'JWE header' : 'Header'} values={header} describe={describeHeader} testId="inspector-header" /> : null}
              {result.decrypted?.nestedHeader ? <ClaimTable title="Nested JWT header" values={result.decrypted.nestedHeader} describe={describeHeader} testId="inspector-nested-header" /> : null}
              {result.payload ? <ClaimTable title="Claims" values={result.payload} describe={describeClaim} testId="inspector-claims" /> : null}
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}
