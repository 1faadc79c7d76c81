import { DEFAULT_INTEROP, type InteropSettings, type KidMode } from '../../../shared/interop';
import type { KeyInfo } from '../../../shared/ipc';
import { Field } from './FormBits';

/**
 * Interop settings of a profile (issue 13): which kid and certificate headers signed assertions carry, and how
 * client_secret_basic encodes the credentials. Real servers select keys and decode credentials differently; each
 * choice here is what the engine does, never a guess.
 */
export function AssertionHeaderFields(props: {
  value: InteropSettings | undefined;
  onChange: (v: InteropSettings) => void;
  signingKey?: KeyInfo;
  /** The older single "x5t / x5t#S256" switch (clientAuth.x5t): shown as both boxes; the caller clears it on change. */
  legacyX5t?: boolean;
}) {
  const saved = props.value ?? DEFAULT_INTEROP;
  const v = props.legacyX5t ? { ...saved, x5t: true, x5tS256: true } : saved;
  const set = (patch: Partial<InteropSettings>) => props.onChange({ ...v, ...patch });
  const key = props.signingKey;
  const noCertificate = key ? !key.certificate : false;
  return (
    <fieldset className="interop" data-testid="assertion-header-fields">
      <legend>Assertion header</legend>
      <div className="grid2">
        <Field
          label="kid in the assertion header"
          htmlFor="kid-mode"
          hint={v.kid === 'key' ? (key ? `the key's kid: ${key.kid}` : "the key's kid (edit it in the keystore)") : v.kid === 'thumbprint' ? (key ? `RFC 7638 thumbprint: ${key.thumbprint}` : 'RFC 7638 JWK thumbprint') : undefined}
        >
          <select id="kid-mode" value={v.kid} onChange={(e) => set({ kid: e.target.value as KidMode })}>
            <option value="key">the key&apos;s kid</option>
            <option value="thumbprint">JWK thumbprint</option>
            <option value="custom">a custom value</option>
            <option value="none">none</option>
          </select>
        </Field>
        {v.kid === 'custom' ? (
          <Field label="Custom kid" required htmlFor="custom-kid">
            <input id="custom-kid" value={v.customKid ?? ''} maxLength={256} onChange={(e) => set({ customKid: e.target.value || undefined })} aria-invalid={!v.customKid} />
          </Field>
        ) : null}
      </div>
      <div className="row" role="group" aria-label="Certificate headers">
        {(
          [
            ['x5t', 'x5t (SHA-1 thumbprint)'],
            ['x5tS256', 'x5t#S256 (SHA-256 thumbprint)'],
            ['x5c', 'x5c (certificate chain)'],
          ] as const
        ).map(([name, label]) => (
          <label key={name} className="row">
            <input type="checkbox" checked={v[name]} disabled={noCertificate && !v[name]} onChange={(e) => set({ [name]: e.target.checked })} /> {label}
          </label>
        ))}
      </div>
      {noCertificate ? <div className="hint">The certificate headers need a certificate attached to the key (Keystore → Attach cert… or Self-signed…).</div> : null}
    </fieldset>
  );
}

export function BasicEncodingField(props: { value: InteropSettings | undefined; onChange: (v: InteropSettings) => void }) {
  const v = props.value ?? DEFAULT_INTEROP;
  return (
    <Field label="Basic credentials encoding" htmlFor="basic-encoding" hint={v.basicEncoding === 'raw' ? 'id and secret sent as they are, for servers that do not decode them' : 'form-urlencoded first, as RFC 6749 §2.3.1 says ("-" becomes %2D)'}>
      <select id="basic-encoding" value={v.basicEncoding} onChange={(e) => props.onChange({ ...v, basicEncoding: e.target.value as InteropSettings['basicEncoding'] })}>
        <option value="form">form-urlencoded (RFC 6749)</option>
        <option value="raw">raw</option>
      </select>
    </Field>
  );
}

export function RequireAuthTimeField(props: { value: InteropSettings | undefined; onChange: (v: InteropSettings) => void }) {
  const v = props.value ?? DEFAULT_INTEROP;
  return (
    <label className="row">
      <input type="checkbox" checked={v.requireAuthTime} onChange={(e) => props.onChange({ ...v, requireAuthTime: e.target.checked })} /> The client is registered with require_auth_time (ID tokens must carry auth_time)
    </label>
  );
}
