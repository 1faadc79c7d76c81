import type { TokenBindingCheck } from '../../../../shared/binding';
import type { TokenSet } from '../../../../shared/ipc';

const STATUS_LABEL: Record<TokenBindingCheck['status'], string> = { bound: 'bound', mismatch: 'MISMATCH', unbound: 'not bound', unknown: 'not checked' };

/**
 * Issue 14: the access token's `cnf` (DPoP `jkt`, mTLS `x5t#S256`), the binding checks the engine ran
 * (when obtained, and from introspection), and RAR authorization_details from the token response.
 */
export function BindingView({ tokens, payload, bindings, introspected }: { tokens: TokenSet; payload?: Record<string, unknown>; bindings?: TokenBindingCheck[]; introspected?: TokenBindingCheck[] }) {
  const cnf = payload?.cnf;
  const details = tokens.authorization_details;
  const all = [...(bindings ?? []), ...(introspected ?? [])];
  if (!cnf && !all.length && details === undefined && !/^dpop$/i.test(tokens.token_type)) return null;
  return (
    <div data-testid="binding-view" style={{ margin: '8px 0' }}>
      <h3>Sender constraint</h3>
      <div className="muted">
        token_type <code>{tokens.token_type}</code>
      </div>
      {cnf ? (
        <div>
          <span className="muted">cnf </span>
          <code data-testid="cnf">{JSON.stringify(cnf)}</code>
        </div>
      ) : null}
      {all.length ? (
        <ul className="checks" aria-label="Binding checks">
          {all.map((b, i) => (
            <li key={i} data-testid="binding-check">
              <span className={`badge ${b.status === 'bound' ? 'ok' : b.status === 'mismatch' ? 'bad' : ''}`}>
                {b.kind === 'dpop' ? 'DPoP' : 'mTLS'} {STATUS_LABEL[b.status]}
              </span>{' '}
              {b.message}
              {b.source ? <span className="muted"> (from {b.source === 'jwt' ? 'the JWT' : 'introspection'})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {details !== undefined ? (
        <div data-testid="authorization-details">
          <div className="label">Authorization details granted (RAR)</div>
          <pre>{JSON.stringify(details, null, 2)}</pre>
        </div>
      ) : null}
    </div>
  );
}
