import { FILE_CAPS, readBoundedFile } from '../../storage/bounded-file';
import { WorkbenchError } from '../../../shared/errors';
import type { ConnectionProfile } from '../../../shared/profile';
import { decodeToken } from '../../../shared/token/decode';
import { reportExitCode, type VerificationReport } from '../../../shared/token/report';
import { resolveFlowConfig, type RunOverrides } from '../../app/run-profile';
import { systemBrowserOpener } from '../../engine/browser';
import { ClientSecretBasic, type ClientAuth, type ClientAuthContext } from '../../engine/client-auth';
import { clientAuthForEndpoint, type AuthEndpoint } from '../../engine/endpoint-auth';
import { processExplained, type SentRequest } from '../../engine/failure-hints';
import { requireEndpoint, resolveEndpoints, type ResolvedEndpoints } from '../../engine/endpoints';
import { HttpClient, type PreparedRequest } from '../../engine/http';
import { loadSigningKeyFile } from '../../engine/key-file';
import { Transcript } from '../../engine/transcript';
import type { DecryptionKeyInput } from '../../inspector/decrypt';
import { buildLogoutUrl } from '../../inspector/logout';
import { fetchUserinfo, introspectionRequest, processIntrospectionResponse, processRevocationResponse, processUserinfoResponse, revocationRequest, userinfoRequest } from '../../inspector/server-checks';
import { checkBinding } from '../../../shared/binding';
import type { DpopSession } from '../../engine/dpop';
import { parse, readStdin, UsageError } from '../args';
import type { CliContext } from '../context';
import { formatTranscript, printJson } from '../output';
import { overridesFromFlags, PROFILE_OPTIONS, profileFromFlags } from '../profile-flags';

/** A token argument, or `-` for standard input. */
async function tokenArg(positionals: string[], usage: string): Promise<string> {
  if (positionals.length !== 1) throw new UsageError(`usage: tokenbench ${usage}`);
  const arg = positionals[0] as string;
  return (arg === '-' ? await readStdin() : arg).trim();
}

export async function decodeCommand(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {});
  const decoded = decodeToken(await tokenArg(positionals, 'decode TOKEN|-'));
  if (!decoded.ok) {
    process.stderr.write(`tokenbench: ${decoded.error.message} [${decoded.error.code}]\n`);
    return 2;
  }
  printJson(decoded);
  return 0;
}

const VERIFY_HELP = `Usage: tokenbench verify TOKEN|- [--issuer URL | --jwks URL | --key FILE | --keystore ALIAS | --secret S]
       [--audience A] [--client-id ID] [--nonce N] [--clock-skew 60] [--alg RS256 ...] [--id-token | --access-token]
       [--decryption-key FILE|keystore:ALIAS] [--json]
Prints the report check by check; exits 0 when every applicable check passed, 1 when one failed, 2 on unusable input.
A JWE is decrypted first with --decryption-key (a PEM or JWK private key file, or a keystore key), then its
nested JWT is verified.
`;

export async function verifyCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, {
    issuer: { type: 'string' },
    jwks: { type: 'string' },
    key: { type: 'string' },
    keystore: { type: 'string' },
    secret: { type: 'string' },
    audience: { type: 'string' },
    'client-id': { type: 'string' },
    nonce: { type: 'string' },
    'clock-skew': { type: 'string' },
    alg: { type: 'string', multiple: true },
    'id-token': { type: 'boolean' },
    'access-token': { type: 'boolean' },
    'decryption-key': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  const token = await tokenArg(positionals, 'verify TOKEN|- [flags]');
  const sources = ['jwks', 'key', 'keystore', 'secret'].filter((k) => values[k as 'jwks'] !== undefined);
  if (sources.length > 1) throw new UsageError(`give one key source, not ${sources.map((s) => `--${s}`).join(' and ')}`);
  const skew = values['clock-skew'] === undefined ? undefined : Number(values['clock-skew']);
  if (skew !== undefined && (!Number.isFinite(skew) || skew < 0)) throw new UsageError('--clock-skew is a number of seconds');

  let key: string | undefined;
  if (values.key) key = (await readBoundedFile(values.key, { what: 'key file', maxBytes: FILE_CAPS.key })).toString('utf8');
  if (values.keystore) {
    const { keystoreVerificationKey } = await import('../../inspector/keystore-keys');
    key = await keystoreVerificationKey(await ctx.keystore(), values.keystore);
  }
  const decryptionKey = values['decryption-key'] === undefined ? undefined : await decryptionKeyArg(values['decryption-key'], ctx);
  const { verifyToken } = await import('../../inspector/verify');
  const http = new HttpClient();
  let report: VerificationReport;
  try {
    report = await verifyToken(token, {
      ...(values.issuer ? { issuer: values.issuer } : {}),
      ...(values.jwks ? { jwksUri: values.jwks } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(values.secret !== undefined ? { secret: values.secret } : {}),
      ...(values.audience ? { audience: values.audience } : {}),
      ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
      ...(values.nonce ? { nonce: values.nonce } : {}),
      ...(skew !== undefined ? { clockSkewSeconds: skew } : {}),
      ...(values.alg ? { algorithms: values.alg } : {}),
      ...(values['id-token'] ? { idToken: true } : {}),
      ...(values['access-token'] ? { accessToken: true } : {}),
      ...(decryptionKey !== undefined ? { decryptionKey } : {}),
      http,
    });
  } finally {
    await http.close();
  }
  if (values.json) printJson(report);
  else process.stdout.write(formatReport(report));
  return reportExitCode(report);
}

export function formatReport(report: VerificationReport): string {
  const mark = { passed: '✓', failed: '✗', not_checked: '–' } as const;
  const lines = report.checks.map((c) => `${mark[c.status]} ${c.label}: ${c.reason}`);
  if (report.inputError) lines.push(`✗ ${report.inputError.message}`);
  // The summary already says "valid: …" when it passed; a failure's "invalid: " would repeat NOT VALID.
  lines.push(report.ok ? report.summary : `NOT VALID: ${report.summary.replace(/^invalid: /, '')}`);
  return `${lines.join('\n')}\n`;
}

/** --decryption-key / --key of decrypt: `keystore:ALIAS` (the private key stays in this process) or a PEM/JWK file. */
async function decryptionKeyArg(value: string, ctx: CliContext, alias?: string): Promise<DecryptionKeyInput> {
  const keystoreAlias = alias ?? (value.startsWith('keystore:') ? value.slice('keystore:'.length) : undefined);
  if (keystoreAlias !== undefined) {
    if (!keystoreAlias) throw new UsageError('keystore:ALIAS needs an alias');
    const { keystoreDecryptionKey } = await import('../../inspector/keystore-keys');
    return keystoreDecryptionKey(await ctx.keystore(), keystoreAlias);
  }
  return (await readBoundedFile(value, { what: 'decryption key file', maxBytes: FILE_CAPS.key })).toString('utf8');
}

const DECRYPT_HELP = `Usage: tokenbench decrypt TOKEN|- (--key FILE | --keystore ALIAS) [--json] [--max-pbes2-count N]
Decrypts a JWE. Prints the plaintext on stdout (a nested JWT can be piped into "tokenbench verify -"), the
protected header on stderr; --json prints header, plaintext and the decoded nested token as one JSON object.
--key is a PEM (PKCS#8, PKCS#1, SEC1) or JWK private key file; --keystore uses a key from the keystore.
Password-based (PBES2) tokens are refused unless --max-pbes2-count allows their iteration count.
`;

export async function decryptCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, {
    key: { type: 'string' },
    keystore: { type: 'string' },
    json: { type: 'boolean' },
    'max-pbes2-count': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(DECRYPT_HELP);
    return 0;
  }
  const token = await tokenArg(positionals, 'decrypt TOKEN|- (--key FILE | --keystore ALIAS)');
  if (!values.key === !values.keystore) throw new UsageError('give exactly one of --key FILE or --keystore ALIAS');
  const maxCount = values['max-pbes2-count'] === undefined ? undefined : Number(values['max-pbes2-count']);
  if (maxCount !== undefined && !(Number.isInteger(maxCount) && maxCount > 0)) throw new UsageError('--max-pbes2-count is a positive whole number');
  const key = await decryptionKeyArg(values.key ?? '', ctx, values.keystore);
  const { decryptToken } = await import('../../inspector/decrypt');
  const result = await decryptToken(token, key, maxCount !== undefined ? { maxPBES2Count: maxCount } : {});
  if (values.json) {
    printJson(result);
    return 0;
  }
  process.stderr.write(`decrypted (${String(result.header.alg)} / ${String(result.header.enc)}), ${result.plaintextBytes} bytes${result.nested ? `, a nested ${result.nested.format === 'jws' ? 'JWT' : 'JWE'}` : ''}\n`);
  if (!result.utf8) process.stderr.write('the plaintext is not UTF-8: bytes that are not show as U+FFFD\n');
  process.stdout.write(`${result.plaintext}\n`);
  return 0;
}

const SERVER_OPTIONS = {
  ...PROFILE_OPTIONS,
  'token-type-hint': { type: 'string' },
  'resource-server-id': { type: 'string' },
  'resource-server-secret': { type: 'string' },
  'introspection-url': { type: 'string' },
  'revocation-url': { type: 'string' },
  'userinfo-url': { type: 'string' },
  'id-token': { type: 'string' },
  silent: { type: 'boolean' },
} as const;

/** What introspect/revoke/userinfo share: the profile (saved or from flags), its endpoints and client authentication. */
async function serverCall(argv: string[], ctx: CliContext, usage: string) {
  const { values: flags, positionals } = parse(argv, SERVER_OPTIONS);
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError(`usage: tokenbench ${usage}`);
  const tokenText = positionals.length === 2 ? (positionals[1] as string) : (positionals[0] as string);
  const issuer = positionals.length === 2 ? positionals[0] : undefined;
  const token = tokenText === '-' ? (await readStdin()).trim() : tokenText;
  let base: ConnectionProfile | undefined;
  if (flags.profile) {
    base = (await ctx.profiles()).getProfile(flags.profile);
    if (!base) throw new WorkbenchError('NOT_FOUND', `no saved profile "${flags.profile}"`);
  }
  const profile = profileFromFlags(flags, issuer, base);
  const extraEndpoints = { introspection: flags['introspection-url'], revocation: flags['revocation-url'], userinfo: flags['userinfo-url'] };
  for (const [k, v] of Object.entries(extraEndpoints)) if (v) (profile.endpoints as Record<string, string>)[k] = v;
  if (!profile.issuer && !profile.endpoints.token) profile.discovery = false;
  const overrides: RunOverrides = overridesFromFlags(flags);
  if (flags['signing-key'] && !flags['signing-key'].startsWith('keystore:')) overrides.signingKey = await loadSigningKeyFile(flags['signing-key'], flags['signing-alg']);
  // DPoP (issue 14): --dpop-key FILE is read here; keystore:ALIAS (or a saved profile's DPoP key) comes from the keystore.
  const dpopKeyFlag = flags['dpop-key'];
  if (dpopKeyFlag && !dpopKeyFlag.startsWith('keystore:')) {
    const { dpopKeyFromSigningKey } = await import('../../engine/dpop');
    overrides.dpopKey = await dpopKeyFromSigningKey(await loadSigningKeyFile(dpopKeyFlag), dpopKeyFlag);
  }
  const dpopFromStore = profile.dpop?.enabled === true && profile.dpop.keyAlias !== undefined && !overrides.dpopKey;
  const needsKeystore = profile.clientAuth.keyAlias !== undefined || profile.clientAuth.tlsKeyAlias !== undefined || dpopFromStore;
  const config = await resolveFlowConfig(
    profile,
    { secrets: base?.secretRefs.length ? await ctx.secrets() : undefined, keystore: needsKeystore ? await ctx.keystore() : undefined },
    overrides,
  );
  const transcript = new Transcript();
  const http = new HttpClient(config.network, transcript);
  let resolved: ResolvedEndpoints;
  try {
    resolved = profile.discovery || Object.keys(profile.endpoints).length ? await resolveEndpoints(http, profile) : { endpoints: {} };
  } catch (err) {
    await http.close();
    throw err;
  }
  /** The client authentication for an endpoint, and what a failed request's error names. */
  const clientAuth = (endpoint: AuthEndpoint): { auth: ClientAuth; sent: SentRequest } => {
    // Some servers want a resource server's own Basic credentials at introspection.
    if (flags['resource-server-id']) {
      const secret = flags['resource-server-secret'] ?? '';
      return { auth: ClientSecretBasic(secret, profile.interop.basicEncoding), sent: { label: endpoint, authMethod: 'client_secret_basic', basicEncoding: profile.interop.basicEncoding, clientId: flags['resource-server-id'], clientSecret: secret } };
    }
    // Introspection and revocation may accept other methods than the token endpoint (their metadata says which).
    const { auth, choice } = clientAuthForEndpoint(profile, resolved.metadata, endpoint, { ...config.inputs, tlsClientCertificate: Boolean(config.network.tls?.cert) }, transcript);
    if (choice.note && !flags.silent) process.stderr.write(`note: ${choice.note}\n`);
    const secret = config.inputs.clientSecret;
    return { auth, sent: { label: endpoint, authMethod: choice.method, basicEncoding: profile.interop.basicEncoding, clientId: profile.clientId, ...(secret !== undefined ? { clientSecret: secret } : {}) } };
  };
  const authCtx = (endpoint: string): ClientAuthContext => ({
    clientId: flags['resource-server-id'] ?? profile.clientId,
    issuer: resolved.metadata?.issuer ?? profile.issuer,
    endpoint,
    tokenEndpoint: resolved.endpoints.token,
    transcript,
  });
  const finish = async () => {
    await http.close();
    if (!flags.silent) process.stderr.write(formatTranscript(transcript.entries));
  };
  // DPoP-bound calls (issue 14): proofs of the profile's key, with the one nonce retry; absent when DPoP is off.
  const dpop = config.inputs.dpopKey ? new (await import('../../engine/dpop')).DpopSession(config.inputs.dpopKey, transcript) : undefined;
  return { flags, token, http, resolved, clientAuth, authCtx, finish, dpop, dpopKeyGiven: overrides.dpopKey !== undefined || dpopFromStore };
}

/** The binding check of an introspected token against the DPoP key used, printed as `token` prints its own. */
function printIntrospectedBinding(claims: Record<string, unknown>, dpop: DpopSession | undefined): void {
  if (!dpop) return;
  const b = checkBinding('dpop', dpop.key.thumbprint, claims, 'introspection');
  process.stderr.write(`DPoP binding: ${b.status} — ${b.message}\n`);
}

export async function introspectCommand(argv: string[], ctx: CliContext): Promise<number> {
  const call = await serverCall(argv, ctx, 'introspect [ISSUER_URL] TOKEN|- [--token-type-hint access_token|refresh_token] [client flags | --profile NAME | --resource-server-id ID --resource-server-secret S]');
  try {
    const endpoint = requireEndpoint(call.resolved, 'introspection');
    const { auth, sent } = call.clientAuth('introspection');
    let req: PreparedRequest | undefined;
    const build = async () => (req = await introspectionRequest(call.authCtx(endpoint), auth, call.token, { tokenTypeHint: call.flags['token-type-hint'] }));
    const res = call.dpop ? await call.dpop.send(call.http, build, { label: 'introspection' }) : await call.http.send(await build(), { label: 'introspection' });
    const claims = processExplained(req as PreparedRequest, res, sent, processIntrospectionResponse);
    // Only a key the token may be bound to says something; a fresh --dpop key would always "mismatch".
    if (!call.flags.silent && call.dpopKeyGiven) printIntrospectedBinding(claims, call.dpop);
    printJson(claims);
    return 0;
  } finally {
    await call.finish();
  }
}

export async function revokeCommand(argv: string[], ctx: CliContext): Promise<number> {
  const call = await serverCall(argv, ctx, 'revoke [ISSUER_URL] TOKEN|- [--token-type-hint access_token|refresh_token] [client flags | --profile NAME]');
  try {
    const endpoint = requireEndpoint(call.resolved, 'revocation');
    const { auth, sent } = call.clientAuth('revocation');
    const req = await revocationRequest(call.authCtx(endpoint), auth, call.token, { tokenTypeHint: call.flags['token-type-hint'] });
    processExplained(req, await call.http.send(req, { label: 'revocation' }), sent, processRevocationResponse);
    process.stderr.write('revoked (the server answered 200)\n');
    return 0;
  } finally {
    await call.finish();
  }
}

export async function userinfoCommand(argv: string[], ctx: CliContext): Promise<number> {
  const call = await serverCall(argv, ctx, 'userinfo [ISSUER_URL] ACCESS_TOKEN|- [--id-token ID_TOKEN] [--profile NAME]');
  try {
    const endpoint = requireEndpoint(call.resolved, 'userinfo');
    let expectedSub: string | undefined;
    if (call.flags['id-token']) {
      const decoded = decodeToken(call.flags['id-token']);
      if (!decoded.ok || decoded.format !== 'jws' || typeof decoded.payload.sub !== 'string') throw new WorkbenchError('INVALID_INPUT', '--id-token is not a signed JWT with a sub claim');
      expectedSub = decoded.payload.sub;
    }
    let info;
    if (call.dpop) {
      // A DPoP-bound token is presented as "DPoP <token>" with a proof of the key it is bound to (and its ath).
      if (!call.dpopKeyGiven)
        throw new UsageError('userinfo --dpop needs the key the access token is bound to: --dpop-key FILE|keystore:ALIAS, or a --profile with a DPoP key (a fresh key proves nothing about an existing token)');
      const res = await call.dpop.send(call.http, () => userinfoRequest(endpoint, call.token, { scheme: 'DPoP' }), { label: 'userinfo', to: 'resource_server' }, call.token);
      info = processUserinfoResponse(res, expectedSub);
    } else info = await fetchUserinfo({ http: call.http }, endpoint, call.token, expectedSub);
    printJson(info.claims);
    return 0;
  } finally {
    await call.finish();
  }
}

export async function logoutUrlCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, {
    'end-session-url': { type: 'string' },
    'id-token-hint': { type: 'string' },
    'post-logout-redirect-uri': { type: 'string' },
    state: { type: 'string' },
    'client-id': { type: 'string' },
    profile: { type: 'string' },
    open: { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError('usage: tokenbench logout-url [ISSUER_URL] [--end-session-url URL] [--id-token-hint T] [--post-logout-redirect-uri U] [--state S] [--client-id ID] [--open]');
  let endSession = values['end-session-url'];
  let clientId = values['client-id'];
  if (!endSession) {
    const base = values.profile ? (await ctx.profiles()).getProfile(values.profile) : undefined;
    if (values.profile && !base) throw new WorkbenchError('NOT_FOUND', `no saved profile "${values.profile}"`);
    const profile = profileFromFlags({}, positionals[0], base);
    clientId ??= base?.clientId;
    const http = new HttpClient();
    try {
      endSession = requireEndpoint(await resolveEndpoints(http, profile), 'end_session');
    } finally {
      await http.close();
    }
  }
  const url = buildLogoutUrl({
    endSessionEndpoint: endSession,
    idTokenHint: values['id-token-hint'],
    postLogoutRedirectUri: values['post-logout-redirect-uri'],
    state: values.state,
    clientId,
  });
  process.stdout.write(`${url}\n`);
  if (values.open) await systemBrowserOpener()(url);
  return 0;
}
