import { decodeJwt } from 'jose';
import { ResponseBodyError, WorkbenchError } from '../../shared/errors';
import { TOKEN_TYPE_URNS, type GrantType } from '../../shared/grants';
import type { ConnectionProfile, Endpoints } from '../../shared/profile';
import type { VerificationReport } from '../../shared/token/report';
import type { TranscriptEntry } from '../../shared/transcript';
import { signAssertion, type AssertionSigner, type SigningKey } from './assertion';
import { buildAuthorizationUrl, createPkce, processAuthorizationResponse, randomToken, type Pkce } from './authorization';
import type { BrowserOpener } from './browser';
import { clientAuthFor, usesMutualTls, type ClientAuth, type ClientAuthContext } from './client-auth';
import { clampPollInterval, classifyPollError, delay, deviceAuthorizationRequest, processDeviceAuthorizationResponse } from './device';
import type { AuthorizationServerMetadata } from './discovery';
import type { DiscoveryCacheMode } from './discovery-cache';
import { requireEndpoint, resolveEndpoints } from './endpoints';
import { HttpClient, type NetworkSettings } from './http';
import { LoopbackRedirectListener } from './loopback';
import {
  authorizationCodeGrantRequest,
  clientCredentialsGrantRequest,
  deviceCodeGrantRequest,
  extraParams,
  jwtBearerGrantRequest,
  passwordGrantRequest,
  processTokenResponse,
  refreshTokenGrantRequest,
  saml2BearerGrantRequest,
  scopeParams,
  tokenExchangeGrantRequest,
  type FormParams,
  type TokenResponse,
} from './token-endpoint';
import { Transcript } from './transcript';

/** Per-run inputs that are not part of a profile: secrets, keys, tokens. */
export interface FlowInputs {
  clientSecret?: string;
  /** Key for private_key_jwt. */
  signingKey?: SigningKey;
  password?: string;
  refreshToken?: string;
  /** JWT bearer: a ready assertion, or a signer to build one from the profile's claims. */
  assertion?: string;
  assertionSigner?: AssertionSigner;
  samlAssertionXml?: string;
  subjectToken?: string;
  actorToken?: string;
}

export interface FlowConfig {
  profile: ConnectionProfile;
  inputs: FlowInputs;
  /** Proxy, CA, client certificate, timeout — already read from files. */
  network: NetworkSettings;
  /** Hide tokens in the stored transcript too. */
  hideTokens?: boolean;
  /** How long to wait for the user in the browser (default 5 minutes). */
  interactionTimeoutMs?: number;
  /**
   * Discovery metadata from the process-wide cache (default 'use', 5 minutes
   * per issuer and network settings); 'refresh' fetches it again and updates
   * the cache, 'off' fetches without touching it.
   */
  discoveryCache?: DiscoveryCacheMode;
  /** Reuse kept-alive connections across runs with the same network settings (default true). */
  shareConnections?: boolean;
}

export type FlowProgress =
  | { kind: 'browser_opened'; url: string }
  | { kind: 'waiting_for_redirect'; redirectUri: string; expiresAt: string; authorizationUrl?: string }
  /** The opener failed; the flow keeps waiting, so the user can open `url` themselves. */
  | { kind: 'browser_failed'; url: string; message: string }
  | { kind: 'device_code'; userCode: string; verificationUri: string; verificationUriComplete?: string; expiresAt: string }
  | { kind: 'polling'; attempt: number; intervalSeconds: number };

export interface FlowDeps {
  openBrowser: BrowserOpener;
  onProgress?: (p: FlowProgress) => void;
  signal?: AbortSignal;
  /** Receives a redirect to a non-loopback URI (a private-use scheme handled by the desktop shell). */
  receiveRedirect?: (redirectUri: string, opts: { state: string; timeoutMs: number; signal?: AbortSignal }) => Promise<URLSearchParams>;
}

export interface FlowResult {
  grantType: GrantType;
  tokens: TokenResponse;
  transcript: TranscriptEntry[];
  obtainedAt: string;
  endpoints: Endpoints;
  metadata?: AuthorizationServerMetadata;
  /** The nonce sent in the authorization request, already checked against the ID token. */
  nonce?: string;
  /** Verification reports the engine ran on what it received (a failed check does not fail the run). */
  verification?: FlowVerification;
}

export interface FlowVerification {
  idToken?: VerificationReport;
  /** Only for JWT access tokens, when the issuer publishes keys. */
  accessToken?: VerificationReport;
}

const DEFAULT_INTERACTION_TIMEOUT_MS = 5 * 60_000;

const failedTranscripts = new WeakMap<object, TranscriptEntry[]>();
/** The exchanges a failed run made before it failed, for showing next to the error. */
export function transcriptOfFailure(err: unknown): TranscriptEntry[] | undefined {
  return err && typeof err === 'object' ? failedTranscripts.get(err) : undefined;
}

/** Runs one grant for a profile, start to token response, recording every exchange. */
export async function runFlow(config: FlowConfig, deps: FlowDeps): Promise<FlowResult> {
  const transcript = new Transcript({ hideTokens: config.hideTokens ?? false });
  const http = new HttpClient(config.network, transcript, { shareConnections: config.shareConnections ?? true });
  try {
    return await new FlowRun(config, deps, http, transcript).run();
  } catch (err) {
    if (err && typeof err === 'object') failedTranscripts.set(err, transcript.entries);
    throw err;
  } finally {
    await http.close();
  }
}

class FlowRun {
  private readonly profile: ConnectionProfile;
  private metadata?: AuthorizationServerMetadata;
  private endpoints: Endpoints = {};

  constructor(
    private readonly config: FlowConfig,
    private readonly deps: FlowDeps,
    private readonly http: HttpClient,
    private readonly transcript: Transcript,
  ) {
    this.profile = config.profile;
  }

  async run(): Promise<FlowResult> {
    const p = this.profile;
    for (const secret of [this.config.inputs.clientSecret, this.config.inputs.password]) this.transcript.addSecret(secret);
    if (usesMutualTls(p.clientAuth.method) && !this.config.network.tls?.cert)
      throw new WorkbenchError('MISSING_CONFIGURATION', `${p.clientAuth.method} needs a client certificate and key (a keystore alias with a certificate, or --tls-cert/--tls-key)`);
    await this.resolveEndpoints();
    const auth = clientAuthFor({
      method: p.clientAuth.method,
      clientSecret: this.config.inputs.clientSecret,
      signingKey: this.config.inputs.signingKey,
      signingAlg: p.clientAuth.signingAlg,
      assertion: { audience: p.clientAuth.assertionAudience, lifetimeSeconds: p.clientAuth.assertionLifetime, x5t: p.clientAuth.x5t },
    });

    let tokens: TokenResponse;
    let nonce: string | undefined;
    switch (p.grantType) {
      case 'authorization_code':
      case 'implicit':
        ({ tokens, nonce } = await this.interactive(auth));
        break;
      case 'urn:ietf:params:oauth:grant-type:device_code':
        tokens = await this.deviceFlow(auth);
        break;
      default:
        tokens = await this.directGrant(auth);
    }
    const verification = await this.verifyReceived(tokens, nonce);
    const transcript = this.transcript;
    return {
      grantType: p.grantType,
      tokens,
      // Redacted when read: a caller that never shows the transcript never pays for it.
      get transcript() {
        return transcript.entries;
      },
      obtainedAt: new Date().toISOString(),
      endpoints: this.endpoints,
      ...(this.metadata ? { metadata: this.metadata } : {}),
      ...(nonce ? { nonce } : {}),
      ...(verification ? { verification } : {}),
    };
  }

  /** Every ID token, and JWT access tokens when there are keys to check them with, get the inspector's report. */
  private async verifyReceived(tokens: TokenResponse, nonce: string | undefined): Promise<FlowVerification | undefined> {
    const issuer = this.metadata?.issuer ?? this.profile.issuer;
    // Keys come from the server's jwks_uri (discovered or typed); a profile without discovery is not discovered here either.
    const jwksUri = this.endpoints.jwks_uri;
    if (!jwksUri) return undefined;
    // The inspector (and what it pulls in) loads only when there is a JWT to check: an opaque access token alone needs none of it.
    if (!tokens.id_token && tokens.access_token.split('.').length !== 3) return undefined;
    const { isJwt, verifyToken } = await import('../inspector/verify');
    const common = { ...(issuer ? { issuer } : {}), jwksUri, http: this.http, ...(this.deps.signal ? { signal: this.deps.signal } : {}) };
    const out: FlowVerification = {};
    if (tokens.id_token) {
      out.idToken = await verifyToken(tokens.id_token, {
        ...common,
        idToken: true,
        clientId: this.profile.clientId,
        ...(nonce ? { nonce } : {}),
        issuedAccessToken: tokens.access_token,
      });
    }
    if (isJwt(tokens.access_token)) {
      const audience = this.profile.expectedAudience ?? this.profile.audience ?? this.profile.resource[0];
      out.accessToken = await verifyToken(tokens.access_token, { ...common, accessToken: true, ...(audience ? { audience } : {}) });
    }
    return out.idToken || out.accessToken ? out : undefined;
  }

  private async resolveEndpoints(): Promise<void> {
    const resolved = await resolveEndpoints(this.http, this.profile, this.deps.signal, {
      network: this.config.network,
      mode: this.config.discoveryCache ?? 'use',
      transcript: this.transcript,
    });
    this.endpoints = resolved.endpoints;
    this.metadata = resolved.metadata;
  }

  private endpoint(name: keyof Endpoints): string {
    return requireEndpoint({ endpoints: this.endpoints, metadata: this.metadata }, name);
  }

  private ctx(endpoint: string): ClientAuthContext {
    return {
      clientId: this.profile.clientId,
      issuer: this.metadata?.issuer ?? this.profile.issuer,
      endpoint,
      tokenEndpoint: this.endpoints.token,
      transcript: this.transcript,
    };
  }

  private scope(): FormParams {
    const p = this.profile;
    return scopeParams({ scopes: p.scopes, audience: p.audience, resource: p.resource });
  }

  private wantsIdToken(): boolean {
    return this.profile.openid ?? this.profile.scopes.includes('openid');
  }

  private async sendToken(request: Promise<import('./http').PreparedRequest>, label = 'token request', expectIdToken = false): Promise<TokenResponse> {
    const res = await this.http.send(await request, { label, signal: this.deps.signal });
    try {
      return processTokenResponse(res, { grantType: this.profile.grantType, expectIdToken });
    } catch (err) {
      throw withAssertionHint(err, this.profile.clientAuth.method);
    }
  }

  private async directGrant(auth: ClientAuth): Promise<TokenResponse> {
    const p = this.profile;
    const inputs = this.config.inputs;
    const ctx = this.ctx(this.endpoint('token'));
    const token = extraParams(p.params.token);
    switch (p.grantType) {
      case 'client_credentials':
        return this.sendToken(clientCredentialsGrantRequest(ctx, auth, this.scope(), token));
      case 'refresh_token': {
        if (!inputs.refreshToken) throw new WorkbenchError('MISSING_CONFIGURATION', 'the refresh_token grant needs a refresh token');
        const tokens = await this.sendToken(refreshTokenGrantRequest(ctx, auth, inputs.refreshToken, this.scope(), extraParams(p.params.refresh)), 'refresh request');
        // A server that does not rotate returns no refresh_token: the old one stays valid.
        return tokens.refresh_token ? tokens : { ...tokens, refresh_token: inputs.refreshToken };
      }
      case 'password': {
        if (!p.username || inputs.password === undefined) throw new WorkbenchError('MISSING_CONFIGURATION', 'the password grant needs a username and a password');
        return this.sendToken(passwordGrantRequest(ctx, auth, { username: p.username, password: inputs.password }, this.scope(), token));
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
        return this.sendToken(jwtBearerGrantRequest(ctx, auth, await this.jwtBearerAssertion(), this.scope(), token));
      case 'urn:ietf:params:oauth:grant-type:saml2-bearer':
        if (!inputs.samlAssertionXml?.trim()) throw new WorkbenchError('MISSING_CONFIGURATION', 'the SAML 2.0 bearer grant needs a SAML assertion (XML)');
        if (!inputs.samlAssertionXml.trimStart().startsWith('<')) throw new WorkbenchError('INVALID_INPUT', 'the SAML assertion must be the assertion XML, not an encoded string');
        return this.sendToken(saml2BearerGrantRequest(ctx, auth, inputs.samlAssertionXml, this.scope(), token));
      case 'urn:ietf:params:oauth:grant-type:token-exchange': {
        if (!inputs.subjectToken) throw new WorkbenchError('MISSING_CONFIGURATION', 'token exchange needs a subject token');
        return this.sendToken(
          tokenExchangeGrantRequest(
            ctx,
            auth,
            {
              subjectToken: inputs.subjectToken,
              subjectTokenType: p.subjectTokenType ?? TOKEN_TYPE_URNS.access_token,
              actorToken: inputs.actorToken,
              actorTokenType: inputs.actorToken ? (p.actorTokenType ?? TOKEN_TYPE_URNS.access_token) : undefined,
              requestedTokenType: p.requestedTokenType,
            },
            this.scope(),
            token,
          ),
        );
      }
      default:
        throw new WorkbenchError('UNSUPPORTED', `grant ${p.grantType} is not a direct token request`);
    }
  }

  /** RFC 7523 §3: iss, sub, aud, exp (and jti) — built from the profile's claims when not pasted. */
  private async jwtBearerAssertion(): Promise<string> {
    const inputs = this.config.inputs;
    if (inputs.assertion) return inputs.assertion;
    if (!inputs.assertionSigner) throw new WorkbenchError('MISSING_CONFIGURATION', 'the JWT bearer grant needs an assertion, or a key to sign one');
    const p = this.profile;
    const claims = { ...(p.jwtBearerClaims ?? {}) };
    const take = (k: string) => {
      const v = claims[k];
      delete claims[k];
      return v;
    };
    const iss = take('iss') ?? p.clientId;
    const sub = take('sub') ?? p.username ?? p.clientId;
    const aud = take('aud') ?? (p.clientAuth.assertionAudience === 'issuer' ? (this.metadata?.issuer ?? p.issuer) : this.endpoints.token);
    const exp = take('exp');
    if (typeof iss !== 'string' || typeof sub !== 'string') throw new WorkbenchError('INVALID_INPUT', 'JWT bearer claims "iss" and "sub" must be strings');
    if (typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) throw new WorkbenchError('INVALID_INPUT', 'JWT bearer claim "aud" must be a string or an array of strings');
    const lifetimeSeconds = typeof exp === 'number' ? Math.max(1, exp - Math.floor(Date.now() / 1000)) : p.clientAuth.assertionLifetime;
    return signAssertion({ header: { x5t: p.clientAuth.x5t, x5tS256: p.clientAuth.x5t }, claims: { iss, sub, aud: aud as string | string[], lifetimeSeconds, extra: claims } }, inputs.assertionSigner);
  }

  private async interactive(auth: ClientAuth): Promise<{ tokens: TokenResponse; nonce?: string }> {
    const p = this.profile;
    const implicit = p.grantType === 'implicit';
    const authorizationEndpoint = this.endpoint('authorization');
    const openid = this.wantsIdToken();
    const state = randomToken();
    const nonce = openid || implicit ? randomToken() : undefined;
    const pkce: Pkce | undefined = !implicit && p.pkce !== 'off' ? createPkce(p.pkce) : undefined;
    const timeoutMs = this.config.interactionTimeoutMs ?? DEFAULT_INTERACTION_TIMEOUT_MS;
    const fixed = p.redirect.mode === 'fixed' ? p.redirect.url : undefined;
    if (p.redirect.mode === 'fixed' && !fixed) throw new WorkbenchError('MISSING_CONFIGURATION', 'a fixed redirect needs its URL');
    const loopback = !fixed || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(fixed);

    let listener: LoopbackRedirectListener | undefined;
    let redirectUri: string;
    let response: Promise<URLSearchParams>;
    if (loopback) {
      listener = await LoopbackRedirectListener.start({ fixedRedirectUri: fixed, fragment: implicit });
      redirectUri = listener.redirectUri;
      response = listener.wait({ state, timeoutMs, signal: this.deps.signal });
    } else {
      if (!this.deps.receiveRedirect)
        throw new WorkbenchError(
          'UNSUPPORTED',
          `the redirect ${fixed} is not a loopback URL: only the desktop app can receive it (the OS hands private-use scheme URLs to it); here, use a loopback redirect (http://127.0.0.1:PORT/…) registered with the server`,
        );
      redirectUri = fixed as string;
      response = this.deps.receiveRedirect(redirectUri, { state, timeoutMs, signal: this.deps.signal });
    }
    // Keep a rejection before we await it from becoming an unhandled rejection.
    response.catch(() => undefined);

    try {
      const url = buildAuthorizationUrl({
        authorizationEndpoint,
        clientId: p.clientId,
        redirectUri,
        responseType: implicit ? (openid ? 'id_token token' : 'token') : 'code',
        scopes: p.scopes,
        state,
        nonce,
        pkce,
        params: [...(p.audience ? ([['audience', p.audience]] as FormParams) : []), ...p.resource.map((r) => ['resource', r] as [string, string]), ...extraParams(p.params.authorization)],
      });
      this.transcript.event('authorization request', 'workbench', 'browser', this.transcript.redactUrl(url));
      // The URL goes out before the opener runs: a user whose browser cannot be started still has it to copy.
      this.deps.onProgress?.({ kind: 'waiting_for_redirect', redirectUri, expiresAt: new Date(Date.now() + timeoutMs).toISOString(), authorizationUrl: url });
      if (await this.open(url)) this.deps.onProgress?.({ kind: 'browser_opened', url });
      const params = await response;
      this.transcript.event('authorization response', 'browser', 'loopback', this.transcript.redactUrl(`${redirectUri}?${params.toString()}`));
      processAuthorizationResponse(params, {
        state,
        issuer: this.metadata?.issuer ?? p.issuer,
        issRequired: this.metadata?.authorization_response_iss_parameter_supported === true,
      });

      let tokens: TokenResponse;
      if (implicit) {
        tokens = implicitTokens(params, openid);
      } else {
        const code = params.get('code');
        if (!code) throw new WorkbenchError('INVALID_RESPONSE', 'the authorization response has no code');
        this.transcript.addSecret(pkce?.verifier);
        tokens = await this.sendToken(
          authorizationCodeGrantRequest(this.ctx(this.endpoint('token')), auth, { code, redirectUri, codeVerifier: pkce?.verifier }, extraParams(p.params.token)),
          'token request',
          openid,
        );
      }
      if (nonce && tokens.id_token) checkNonce(tokens.id_token, nonce);
      return { tokens, nonce };
    } finally {
      await listener?.close();
    }
  }

  /**
   * Opens a page in the user's browser. An opener that fails (no browser, a broken $BROWSER) does not
   * end the run: the user is told, gets the URL, and the flow keeps waiting for them.
   */
  private async open(url: string): Promise<boolean> {
    try {
      await this.deps.openBrowser(url);
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.transcript.event('browser could not be started', 'workbench', 'user', message);
      this.deps.onProgress?.({ kind: 'browser_failed', url, message });
      return false;
    }
  }

  private async deviceFlow(auth: ClientAuth): Promise<TokenResponse> {
    const p = this.profile;
    const signal = this.deps.signal;
    const device = processDeviceAuthorizationResponse(
      await this.http.send(await deviceAuthorizationRequest(this.ctx(this.endpoint('device_authorization')), auth, this.scope(), extraParams(p.params.authorization)), {
        label: 'device authorization request',
        signal,
      }),
    );
    const expiresAt = Date.now() + device.expires_in * 1000;
    this.deps.onProgress?.({
      kind: 'device_code',
      userCode: device.user_code,
      verificationUri: device.verification_uri,
      ...(device.verification_uri_complete ? { verificationUriComplete: device.verification_uri_complete } : {}),
      expiresAt: new Date(expiresAt).toISOString(),
    });
    this.transcript.event('user code shown', 'workbench', 'user', `${device.user_code} at ${device.verification_uri}`);
    await this.open(device.verification_uri_complete ?? device.verification_uri);

    let interval = device.interval;
    for (let attempt = 1; ; attempt++) {
      if (Date.now() + interval * 1000 > expiresAt) throw new WorkbenchError('DEVICE_CODE_EXPIRED', 'the device code expired before the user finished signing in');
      await delay(interval * 1000, signal);
      this.deps.onProgress?.({ kind: 'polling', attempt, intervalSeconds: interval });
      try {
        return await this.sendToken(deviceCodeGrantRequest(this.ctx(this.endpoint('token')), auth, device.device_code, extraParams(p.params.token)), 'device token poll', this.wantsIdToken());
      } catch (err) {
        const outcome = classifyPollError(err);
        if (!outcome) throw err;
        if (outcome.kind === 'slow_down') interval = clampPollInterval(interval + 5);
      }
    }
  }
}

/**
 * A bare `invalid_client` to a JWT client assertion says nothing about which of its usual causes it is;
 * the error gets a hint that names them (issue 12).
 */
export function withAssertionHint(err: unknown, method: string): unknown {
  if (!(err instanceof ResponseBodyError) || err.error !== 'invalid_client') return err;
  if (method !== 'private_key_jwt' && method !== 'client_secret_jwt') return err;
  const hint =
    method === 'private_key_jwt'
      ? 'the server did not accept the signed client assertion. Usual causes: the public key is not registered for this client (or the server still has an older copy of its JWKS), the assertion\'s kid does not match a registered key, or the audience (aud) is not what the server expects — try "Assertion audience: issuer" instead of the token endpoint, or the other way round.'
      : 'the server did not accept the HMAC client assertion. Usual causes: a wrong client secret, an algorithm the client is not registered for, or the audience (aud) is not what the server expects — try "Assertion audience: issuer" instead of the token endpoint.';
  const hinted = new ResponseBodyError(err.status, { error: err.error, ...(err.error_description ? { error_description: err.error_description } : {}), ...(err.error_uri ? { error_uri: err.error_uri } : {}) });
  Object.assign(hinted, { details: { ...hinted.details, hint }, message: `${hinted.message} — ${hint}` });
  return hinted;
}

function implicitTokens(params: URLSearchParams, openid: boolean): TokenResponse {
  const access_token = params.get('access_token');
  const token_type = params.get('token_type');
  if (!access_token || !token_type) throw new WorkbenchError('INVALID_RESPONSE', 'the implicit response has no access_token or token_type');
  const id_token = params.get('id_token') ?? undefined;
  if (openid && !id_token) throw new WorkbenchError('INVALID_RESPONSE', 'the implicit response has no id_token');
  const expires = params.get('expires_in');
  const scope = params.get('scope');
  return {
    access_token,
    token_type,
    ...(expires && /^\d+$/.test(expires) ? { expires_in: Number(expires) } : {}),
    ...(id_token ? { id_token } : {}),
    ...(scope ? { scope } : {}),
  };
}

/** The nonce sent must come back in the ID token (OIDC Core §3.1.3.7 step 11); full verification is the inspector's. */
function checkNonce(idToken: string, expected: string): void {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(idToken);
  } catch (err) {
    throw new WorkbenchError('INVALID_RESPONSE', `the ID token is not a JWT: ${(err as Error).message}`, { cause: err });
  }
  if (claims.nonce !== expected)
    throw new WorkbenchError('VERIFICATION_FAILED', claims.nonce === undefined ? 'the ID token has no nonce, but one was sent' : 'the ID token nonce differs from the one sent (possible replay)');
}
