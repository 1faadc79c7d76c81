import type { KeyInfo, ServerMetadata } from '../../../../shared/ipc';
import type { ProfileDraft } from '../RequestPanel';
import { Field } from '../FormBits';

/**
 * DPoP (RFC 9449) and certificate-bound tokens (RFC 8705), shown when the server advertises them
 * (or the profile already uses them). Issue 14.
 */
export function SenderConstrainedSection({ draft: d, metadata: m, keys, onChange }: { draft: ProfileDraft; metadata: ServerMetadata | null; keys: KeyInfo[]; onChange: (patch: Partial<ProfileDraft>) => void }) {
  const dpopAlgs = Array.isArray(m?.dpop_signing_alg_values_supported) ? (m.dpop_signing_alg_values_supported as string[]) : undefined;
  const mtlsBound = m?.tls_client_certificate_bound_access_tokens === true;
  const showDpop = Boolean(dpopAlgs) || d.dpop?.enabled;
  const showMtls = mtlsBound || d.certificateBoundTokens?.enabled;
  if (!showDpop && !showMtls) return null;
  const dpop = d.dpop ?? { enabled: false, bindAuthorizationCode: true };
  const asymmetric = keys.filter((k) => !dpopAlgs || k.algorithms.some((a) => dpopAlgs.includes(a)));
  return (
    <section aria-labelledby="sender-constrained-heading" data-testid="sender-constrained-section">
      <h3 id="sender-constrained-heading">Sender-constrained tokens</h3>
      {showDpop ? (
        <>
          <label className="row">
            <input type="checkbox" checked={dpop.enabled} onChange={(e) => onChange({ dpop: { ...dpop, enabled: e.target.checked } })} /> DPoP-bound tokens (proof of possession on every call)
          </label>
          {dpop.enabled ? (
            <div className="grid2">
              <Field label="DPoP key" htmlFor="dpop-key" hint={dpop.keyAlias ? undefined : 'empty: an ES256 key is generated into the keystore at the first run'}>
                <select id="dpop-key" value={dpop.keyAlias ?? ''} onChange={(e) => onChange({ dpop: { ...dpop, keyAlias: e.target.value || undefined } })}>
                  <option value="">— generate one for this profile —</option>
                  {asymmetric.map((k) => (
                    <option key={k.alias} value={k.alias}>
                      {k.alias} ({k.alg})
                    </option>
                  ))}
                </select>
              </Field>
              <label className="row">
                <input type="checkbox" checked={dpop.bindAuthorizationCode} onChange={(e) => onChange({ dpop: { ...dpop, bindAuthorizationCode: e.target.checked } })} /> Send dpop_jkt with the authorization request
              </label>
            </div>
          ) : null}
          {dpopAlgs ? <div className="hint">Server accepts proofs signed with {dpopAlgs.join(', ')}</div> : null}
        </>
      ) : null}
      {showMtls ? (
        <label className="row">
          <input type="checkbox" checked={d.certificateBoundTokens?.enabled ?? false} onChange={(e) => onChange({ certificateBoundTokens: { enabled: e.target.checked } })} /> Certificate-bound tokens (mTLS endpoint aliases, cnf.x5t#S256 checked)
        </label>
      ) : null}
    </section>
  );
}
