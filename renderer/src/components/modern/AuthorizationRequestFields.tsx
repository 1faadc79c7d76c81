import { useEffect, useState } from 'react';
import type { AuthorizationRequestConfig } from '../../../../shared/profile';
import { Field } from '../FormBits';
import { idTokenHintProblem } from '../../lib/profile-rules';

/**
 * Fields of the authorization-request section (issue 14) whose typed text may be wrong for a while: the PAR
 * endpoint override, the request object's encryption key and the ID token hint. Each keeps what was typed until it
 * is valid (nothing typed is lost) and says what is wrong next to itself; only a valid value reaches the profile.
 */

/** Text state that follows the profile's value when another profile is opened, not while typing. */
function useTypedText(initial: string, profileId: string): [string, (v: string) => void, string | null, (e: string | null) => void] {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(initial);
    setError(null);
    // Only when another profile is opened.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [profileId]);
  return [text, setText, error, setError];
}

export function ParEndpointField(props: { profileId: string; value: string | undefined; discovered: string | undefined; onChange: (parEndpoint: string | undefined) => void }) {
  const [text, setText, error, setError] = useTypedText(props.value ?? '', props.profileId);
  const onInput = (value: string) => {
    setText(value);
    const url = value.trim();
    if (!url) {
      setError(null);
      props.onChange(undefined);
      return;
    }
    // The same rule as the profile schema's httpUrl: an absolute http(s) URL.
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      setError('an http(s) URL, e.g. https://as.example/par');
      return;
    }
    setError(null);
    props.onChange(url);
  };
  return (
    <Field
      label="PAR endpoint (override)"
      htmlFor="ar-par-endpoint"
      error={error ?? undefined}
      hint={props.discovered ? `empty: ${props.discovered} (from discovery)` : "the server's metadata names none: type it to push requests"}
    >
      <input id="ar-par-endpoint" type="url" inputMode="url" spellCheck={false} value={text} placeholder={props.discovered ?? 'https://…/par'} onChange={(e) => onInput(e.target.value)} />
    </Field>
  );
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/** Why a typed JWK cannot be the request object's encryption key, or undefined when it can. */
export function encryptionKeyProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'a JSON object: the server\'s public JWK ({"kty": "RSA", "n": …, "e": …})';
  const jwk = value as Record<string, unknown>;
  if (!['RSA', 'EC', 'OKP'].includes(String(jwk.kty))) return 'kty must be RSA, EC or OKP (a public key to encrypt to)';
  const secret = PRIVATE_MEMBERS.find((m) => m in jwk);
  if (secret) return `"${secret}" is private key material: paste the server's public key only`;
  if (jwk.use !== undefined && jwk.use !== 'enc') return `use is "${String(jwk.use)}": the key must be for encryption ("enc")`;
  return undefined;
}

export function RequestObjectEncryptionFields(props: {
  profileId: string;
  ar: AuthorizationRequestConfig;
  algs: string[] | undefined;
  encs: string[] | undefined;
  onChange: (patch: Partial<AuthorizationRequestConfig>) => void;
}) {
  const { ar } = props;
  const [text, setText, error, setError] = useTypedText(ar.requestObjectEncryptionKey ? JSON.stringify(ar.requestObjectEncryptionKey, null, 2) : '', props.profileId);
  const onKey = (value: string) => {
    setText(value);
    if (!value.trim()) {
      setError(null);
      props.onChange({ requestObjectEncryptionKey: undefined });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      setError(`not JSON: ${(err as Error).message}`);
      return;
    }
    const problem = encryptionKeyProblem(parsed);
    if (problem) {
      setError(problem);
      return;
    }
    setError(null);
    props.onChange({ requestObjectEncryptionKey: parsed as Record<string, unknown> });
  };
  return (
    <>
      <Field label="Request object encryption key (public JWK)" htmlFor="ar-jar-enc-key" error={error ?? undefined} hint="empty: the server's encryption key (use &quot;enc&quot;) from its JWKS">
        <textarea
          id="ar-jar-enc-key"
          rows={3}
          className="mono"
          spellCheck={false}
          value={text}
          placeholder='{"kty": "RSA", "n": "…", "e": "AQAB", "kid": "…"}'
          onChange={(e) => onKey(e.target.value)}
        />
      </Field>
      <div className="grid2">
        <Field label="Key encryption (alg)" htmlFor="ar-jar-enc-alg" hint={props.algs?.length ? `the server accepts ${props.algs.join(', ')}` : 'empty: from the key (RSA-OAEP-256, ECDH-ES)'}>
          <input id="ar-jar-enc-alg" list="ar-jar-enc-algs" value={ar.requestObjectEncryptionAlg ?? ''} onChange={(e) => props.onChange({ requestObjectEncryptionAlg: e.target.value.trim() || undefined })} />
          <datalist id="ar-jar-enc-algs">{(props.algs ?? ['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A256KW']).map((a) => <option key={a} value={a} />)}</datalist>
        </Field>
        <Field label="Content encryption (enc)" htmlFor="ar-jar-enc-enc" hint={props.encs?.length ? `the server accepts ${props.encs.join(', ')}` : 'empty: A256GCM'}>
          <input id="ar-jar-enc-enc" list="ar-jar-enc-encs" value={ar.requestObjectEncryptionEnc ?? ''} onChange={(e) => props.onChange({ requestObjectEncryptionEnc: e.target.value.trim() || undefined })} />
          <datalist id="ar-jar-enc-encs">{(props.encs ?? ['A256GCM', 'A128GCM', 'A128CBC-HS256']).map((a) => <option key={a} value={a} />)}</datalist>
        </Field>
      </div>
    </>
  );
}


/** id_token_hint is a token: it is used for the next run only, never saved with the profile (as the CLI's --id-token-hint). */
export function IdTokenHintField(props: { value: string | undefined; onChange: (idTokenHint: string | undefined) => void }) {
  const text = props.value ?? '';
  const trimmed = text.trim();
  const error = idTokenHintProblem(trimmed) ? 'an ID token: a JWT (header.payload.signature) or an encrypted one (five parts)' : undefined;
  return (
    <Field label="id_token_hint (this run only, not saved)" htmlFor="ar-id-token-hint" error={error} hint="an ID token the server issued earlier, naming the user it should expect">
      <textarea id="ar-id-token-hint" rows={2} className="mono" spellCheck={false} value={text} onChange={(e) => props.onChange(e.target.value || undefined)} />
    </Field>
  );
}

