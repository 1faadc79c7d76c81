import { WorkbenchError } from '../../../shared/errors';
import type { ConnectionProfile } from '../../../shared/profile';
import { profileUsesVariables } from '../../../shared/environments';
import { applyEnvironment } from '../../app/environments';
import { resolveFlowConfig, type RunOverrides } from '../../app/run-profile';
import { systemBrowserOpener, type BrowserOpener } from '../../engine/browser';
import type { FlowProgress } from '../../engine/flow';
import { profileSecretAccount } from '../../secrets/secret-store';
import { parse, UsageError } from '../args';
import type { CliContext } from '../context';
import { formatTranscript, printJson } from '../output';
import { overridesFromFlags, PROFILE_OPTIONS, profileFromFlags } from '../profile-flags';

const HELP = `Usage: tokenbench token [ISSUER_URL] [flags]

  --client-id ID            --client-secret SECRET      --auth-method METHOD
  --grant-type GRANT        (authorization_code, client_credentials, refresh_token, password,
                             implicit, jwt_bearer, saml2_bearer, device_code, token_exchange or a URN)
  --scopes a,b              --audience AUD              --resource URI (repeatable)
  --pkce / --no-pkce        --pkce-method S256|plain    --redirect-url URL   --openid
  --signing-key FILE|keystore:ALIAS   --signing-alg ALG
  --kid VALUE|thumbprint|key|none  kid in assertion and request-object headers (default "key": the keystore key's kid, a JWK
                            file's own kid; a PEM file has none); "thumbprint" is the RFC 7638 JWK thumbprint
  --x5t                     x5t and x5t#S256 of the key's certificate   --x5t-s256  only x5t#S256   --x5c  the chain
  --basic-encoding form|raw client_secret_basic: form-urlencode id and secret first (RFC 6749 §2.3.1, default)
                            or send them as they are (servers that do not decode them; Postman and oauth2c do this)
  --assertion-audience token_endpoint|issuer            --assertion-lifetime 5m
  --assertion JSON|FILE     (JWT bearer: claims JSON or a signed JWT; SAML2: a file of assertion XML)
  --refresh-token RT        --username U  --password P
  --subject-token T|@FILE   --subject-token-type TYPE   --actor-token T  --actor-token-type TYPE
  --requested-token-type TYPE
  --tls-cert FILE|keystore:ALIAS  --tls-key FILE  --tls-root-ca FILE  --insecure  --proxy URL  --timeout 30s
  --token-url URL  --authorization-url URL  --device-authorization-url URL   (when there is no discovery)
  --param k=v (token and refresh requests)  --auth-param k=v (authorization request)
                            (prompt, max_age, acr_values, login_hint, ui_locales, claims, nonce, display,
                             id_token_hint, response_mode are refused with --param: they go in --auth-param)
  --par / --no-par          push the authorization request first (RFC 9126; automatic when the server requires it)
  --request-object          send it as a signed request object (RFC 9101; --signing-key/--signing-alg sign it)
  --encrypt-request-object  ...encrypted to the server's key from its JWKS
  --response-mode MODE      query, fragment, form_post, jwt, query.jwt, fragment.jwt, form_post.jwt (JARM)
  --jarm-decryption-key FILE|keystore:ALIAS  decrypt a JARM response encrypted to the client (a PEM or JWK
                            private key file, read for this run; a keystore alias is saved with --profile)
  --response-types TYPES    "code" (default), "code id_token" (hybrid), "id_token token"
  --prompt P  --max-age S  --acr-values V  --login-hint H  --ui-locales L  --claims JSON  --id-token-hint T|@FILE
  --fapi2                   FAPI 2.0 Security Profile: turn on and check PAR, PKCE S256, private_key_jwt or mTLS,
                            sender-constrained tokens, RFC 9207 iss
  --dpop                    DPoP-bound tokens, proofs signed with a fresh ES256 key (RFC 9449)
  --dpop-key FILE|keystore:ALIAS   sign DPoP proofs with this key instead
  --certificate-bound-tokens       expect mTLS-bound tokens (RFC 8705): mTLS aliases, cnf.x5t#S256 checked
  --rar JSON|FILE           authorization_details (RFC 9396): [{"type":"payment_initiation",…}]
  --grant-type ciba --login-hint USER --binding-message TEXT [--user-code C] [--requested-expiry 2m]
                            (or --login-hint-token T|@FILE instead of --login-hint: a hint token the server defines)
  --profile NAME            use a saved profile; flags override it
  --env NAME                fill {{variables}} from this environment of the profile's group
                            (default: the group's active environment)
  --silent                  print only the token endpoint's JSON response
  --hide-tokens             redact tokens in the printed exchanges too
`;

const OPTIONS = { ...PROFILE_OPTIONS, env: { type: 'string' }, silent: { type: 'boolean' }, 'hide-tokens': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export async function tokenCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values: flags, positionals } = parse(argv, OPTIONS);
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`token takes one issuer URL, got ${positionals.length} arguments`);
  const issuer = positionals[0];

  let base: ConnectionProfile | undefined;
  if (flags.profile) {
    base = (await ctx.profiles()).getProfile(flags.profile);
    if (!base) throw new WorkbenchError('NOT_FOUND', `no saved profile "${flags.profile}" (see tokenbench profiles list)`);
  }
  let profile = profileFromFlags(flags, issuer, base);
  const overrides: RunOverrides = { ...overridesFromFlags(flags), hideTokens: flags['hide-tokens'] ?? false };
  // Environments (issue 13 §3): {{name}} filled before anything is sent; an unresolved one is an error naming it.
  if (flags.env !== undefined || profileUsesVariables(profile) || (base?.groupId !== undefined && (await ctx.profiles()).listGroups().some((g) => g.id === base?.groupId && g.activeEnvironmentId))) {
    if (flags.env !== undefined && !profile.groupId) throw new UsageError('--env needs a saved profile in a group (--profile NAME): environments belong to groups');
    const groups = profile.groupId ? (await ctx.profiles()).listGroups() : [];
    const applied = await applyEnvironment(profile, groups, () => ctx.secrets(), flags.env);
    profile = applied.profile;
    if (applied.variables) overrides.variables = applied.variables;
  }
  const signingKeyFlag = flags['signing-key'];
  // Key-file parsing pulls in PKCS#12 and X.509 code: loaded only when a key file is given.
  if (signingKeyFlag && !signingKeyFlag.startsWith('keystore:'))
    overrides.signingKey = await (await import('../../engine/key-file')).loadSigningKeyFile(signingKeyFlag, flags['signing-alg']);
  const dpopKeyFlag = flags['dpop-key'];
  if (dpopKeyFlag && !dpopKeyFlag.startsWith('keystore:')) {
    const file = await (await import('../../engine/key-file')).loadSigningKeyFile(dpopKeyFlag);
    overrides.dpopKey = await (await import('../../engine/dpop')).dpopKeyFromSigningKey(file, dpopKeyFlag);
  }

  const needsKeystore =
    profile.clientAuth.keyAlias !== undefined ||
    profile.clientAuth.tlsKeyAlias !== undefined ||
    (profile.dpop?.enabled === true && profile.dpop.keyAlias !== undefined && !overrides.dpopKey) ||
    profile.authorizationRequest.requestObjectKeyAlias !== undefined ||
    profile.authorizationRequest.jarmDecryptionKeyAlias !== undefined;
  const needsSecrets = base !== undefined && base.secretRefs.length > 0;
  const resolving = resolveFlowConfig(
    profile,
    { secrets: needsSecrets ? await ctx.secrets() : undefined, keystore: needsKeystore ? await ctx.keystore() : undefined },
    overrides,
  );
  // Awaited below; a failure must not count as unhandled while the engine loads.
  resolving.catch(() => undefined);
  // The engine (undici, jose) loads while the keychain answers over D-Bus, not after it: one turn
  // of the event loop lets the keychain read reach its worker thread before the engine's
  // synchronous initialization holds this one.
  if (needsSecrets) await new Promise((resolve) => setImmediate(resolve));
  const { runFlow, transcriptOfFailure } = await import('../../engine/flow');
  const { closeSharedConnections } = await import('../../engine/http');
  const config = await resolving;

  const silent = flags.silent ?? false;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runFlow(config, { openBrowser: cliOpener(silent), onProgress: silent ? undefined : printProgress, signal: controller.signal }).catch(
      (err: unknown) => {
        // The exchanges up to the failure say more than the error line alone.
        const partial = transcriptOfFailure(err);
        if (!silent && partial?.length) process.stderr.write(formatTranscript(partial));
        throw err;
      },
    );
    if (!silent) {
      process.stderr.write(formatTranscript(result.transcript));
      const v = result.verification;
      for (const [label, report] of [
        ['authorization response (JARM)', v?.authorizationResponse],
        ['front-channel ID token', v?.frontChannelIdToken],
        ['ID token', v?.idToken],
        ['access token', v?.accessToken],
      ] as const)
        if (report) process.stderr.write(`${label}: ${report.ok ? 'verified' : 'NOT VALID'} — ${report.summary}\n`);
      for (const b of result.bindings ?? []) process.stderr.write(`${b.kind === 'dpop' ? 'DPoP' : 'mTLS'} binding: ${b.status} — ${b.message}\n`);
    }
    // Keep the rotated refresh token of a saved profile in the keychain.
    if (base && result.tokens.refresh_token) {
      const secrets = await ctx.secrets();
      await secrets.set(profileSecretAccount(base.id, 'refreshToken'), result.tokens.refresh_token);
      if (!base.secretRefs.includes('refreshToken')) (await ctx.profiles()).saveProfile({ ...base, secretRefs: [...base.secretRefs, 'refreshToken'] });
    }
    printJson(result.tokens);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await closeSharedConnections();
  }
}

/** Opens the browser; when none can be opened the user still gets the URL to open by hand. */
function cliOpener(silent: boolean): BrowserOpener {
  const open = systemBrowserOpener();
  return async (url) => {
    try {
      await open(url);
      if (!silent) process.stderr.write(`Opened your browser at:\n  ${url}\n\n`);
    } catch {
      process.stderr.write(`Open this URL in your browser:\n  ${url}\n\n`);
    }
  };
}

function printProgress(p: FlowProgress): void {
  switch (p.kind) {
    case 'browser_opened':
      if (p.requestUriExpiresAt) process.stderr.write(`The pushed authorization request (PAR) expires at ${new Date(p.requestUriExpiresAt).toLocaleTimeString()}: sign in before then.\n`);
      break;
    case 'waiting_for_redirect':
      process.stderr.write(`Waiting for you to sign in (redirect to ${p.redirectUri}, until ${new Date(p.expiresAt).toLocaleTimeString()}) — Ctrl+C cancels\n\n`);
      break;
    case 'device_code':
      process.stderr.write(`Enter the code ${p.userCode} at ${p.verificationUri}${p.verificationUriComplete ? `\n  (or open ${p.verificationUriComplete})` : ''}\nThe code expires at ${new Date(p.expiresAt).toLocaleTimeString()}.\n\n`);
      break;
    case 'ciba':
      process.stderr.write(
        `Asked the user's device to approve${p.bindingMessage ? ` — binding message: ${p.bindingMessage}` : ''}\nPolling every ${p.intervalSeconds} s until ${new Date(p.expiresAt).toLocaleTimeString()} — Ctrl+C cancels\n\n`,
      );
      break;
    default:
      break;
  }
}
