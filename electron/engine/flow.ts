import { decodeJwt } from 'jose';
import { WorkbenchError } from '../../shared/errors';
import type { TokenBindingCheck } from '../../shared/binding';
import { CIBA_GRANT, TOKEN_TYPE_URNS, type GrantType } from '../../shared/grants';
import { authenticationRequest, misplacedTokenParam, type AuthenticationRequest } from '../../shared/interop';
import type { ConnectionProfile, Endpoints } from '../../shared/profile';
import type { VerificationReport } from '../../shared/token/report';
import type { TranscriptEntry } from '../../shared/transcript';
import { ASSERTION_LIFETIME_HARD_CAP_SECONDS, cappedAssertionLifetime } from '../../shared/assertion-limits';
import { assertImportConfirmed } from '../../shared/import-trust';
import { DEFAULT_CLOCK_SKEW_SECONDS, requestedAuthenticationChecks } from '../jose/claim-checks';
import { signAssertion, type AssertionSigner, type SigningKey } from '../jose/sign';
import { accessTokenClaims, certificateThumbprint, requireBinding } from './binding';
import { backchannelAuthenticationRequest, cibaGrantRequest, processBackchannelAuthenticationResponse } from './ciba';
import { DpopSession, type DpopKey } from './dpop';
import { buildAuthorizationUrl, createPkce, processAuthorizationResponse, randomToken, type AuthorizationUrlInput, type Pkce } from './authorization';
import type { BrowserOpener } from './browser';
import { assertionHeader, clientAuthForProfile, usesMutualTls, type ClientAuth, type ClientAuthContext } from './client-auth';
import { clampPollInterval, classifyPollError, delay, deviceAuthorizationRequest, processDeviceAuthorizationResponse, type PollExpiry } from './device';
import type { AuthorizationServerMetadata } from './discovery';
import type { DiscoveryCacheMode } from './discovery-cache';
import { requireEndpoint, resolveEndpoints } from './endpoints';
import { processExplained, type SentRequest } from './failure-hints';
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
// Authorization request features (issue 14): PAR, JAR, JARM, hybrid, OIDC parameters, FAPI 2.0.
import { describeFapiFindings, fapi2Findings } from '../../shared/fapi';
import {
  effectiveResponseMode,
  encryptRequestObject,
  isFragmentMode,
  isJarmMode,
  oidcRequestParams,
  processJarmResponse,
  processPushedAuthorizationResponse,
  pushedAuthorizationRequest,
  pushedAuthorizationUrl,
  reportDetail,
  requestObjectEncryptionTarget,
  requestObjectKid,
  signRequestObject,
  verifyFrontChannelIdToken,
} from './authorization-request';

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
  /** Request objects (RFC 9101): the signing key; absent, the client authentication key. */
  requestObjectKey?: SigningKey;
  /** OIDC `id_token_hint`: a token, so per run and never stored in the profile. */
  idTokenHint?: string;
  /** Decrypts JARM responses encrypted to the client. */
  jarmDecryptionKey?: import('../inspector/decrypt').DecryptionKeyInput;
  /** DPoP (RFC 9449): the key proofs are signed with; tokens get bound to it. */
  dpopKey?: DpopKey;
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
  /** Environments: values of secret variables filled into the profile, redacted like the client secret. */
  redact?: string[];
}

export type FlowProgress =
  | { kind: 'browser_opened'; url: string; /** PAR: when the pushed request_uri expires. */ requestUriExpiresAt?: string }
  | { kind: 'waiting_for_redirect'; redirectUri: string; expiresAt: string; authorizationUrl?: string }
  /** The opener failed; the flow keeps waiting, so the user can open `url` themselves. */
  | { kind: 'browser_failed'; url: string; message: string }
  | { kind: 'device_code'; userCode: string; verificationUri: string; verificationUriComplete?: string; expiresAt: string }
  | { kind: 'polling'; attempt: number; intervalSeconds: number }
  // CIBA: the request reached the user's device; the binding message is what they should see there.
  | { kind: 'ciba'; bindingMessage?: string; expiresAt: string; intervalSeconds: number };

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
  /**
   * What this run's authorization request asked about the user's authentication (max_age, require_auth_time,
   * acr); empty when it asked nothing or made none. Kept with the history entry for later re-verification.
   */
  authentication?: AuthenticationRequest;
  /** Verification reports the engine ran on what it received (a failed check does not fail the run). */
  verification?: FlowVerification;
  /** Sender-constraint checks (DPoP cnf.jkt, mTLS cnf.x5t#S256) of the access token; a mismatch fails the run instead. */
  bindings?: TokenBindingCheck[];
}

export interface FlowVerification {
  idToken?: VerificationReport;
  /** Hybrid flow: the ID token that came with the code from the authorization endpoint. */
  frontChannelIdToken?: VerificationReport;
  /** JARM: the signed authorization response. */
  authorizationResponse?: VerificationReport;
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
  /** PAR: when the request_uri handed to the browser expires. */
  private requestUriExpiresAt?: string;
  private dpop?: DpopSession;

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
    for (const secret of [this.config.inputs.clientSecret, this.config.inputs.password, ...(this.config.redact ?? [])]) this.transcript.addSecret(secret);
    if (usesMutualTls(p.clientAuth.method) && !this.config.network.tls?.cert)
      throw new WorkbenchError('MISSING_CONFIGURATION', `${p.clientAuth.method} needs a client certificate and key (a keystore alias with a certificate, or --tls-cert/--tls-key)`);
    checkTokenParams(p);
    // Read (and a bad max_age or claims refused) before anything is sent.
    // The profile's OIDC fields (issue 14) count as if typed as authorization parameters.
    const oidcFields = oidcRequestParams(p.authorizationRequest).map(([name, value]) => ({ name, value }));
    const authentication = authenticationRequest([...oidcFields, ...p.params.authorization], p.interop.requireAuthTime);
    // A key alias from an unconfirmed import signs nothing and is presented to no server (issue 11).
    if (p.clientAuth.method === 'private_key_jwt') assertImportConfirmed(p, ['clientAuth.keyAlias']);
    if (usesMutualTls(p.clientAuth.method)) assertImportConfirmed(p, ['clientAuth.tlsKeyAlias']);
    if (this.config.inputs.dpopKey) this.dpop = new DpopSession(this.config.inputs.dpopKey, this.transcript);
    await this.resolveEndpoints();
    if (p.authorizationRequest.fapi2) {
      // Checked before anything is sent: a FAPI run that would not conform says why instead.
      const findings = fapi2Findings(p, this.metadata);
      if (findings.length) throw new WorkbenchError('FAPI_REQUIREMENT', `FAPI 2.0 Security Profile: ${describeFapiFindings(findings)}`, { details: { findings } });
    }
    const signsClientAssertion = p.clientAuth.method === 'private_key_jwt' || p.clientAuth.method === 'client_secret_jwt';
    if (signsClientAssertion && p.clientAuth.assertionLifetime > ASSERTION_LIFETIME_HARD_CAP_SECONDS)
      this.transcript.event('client assertion lifetime capped', 'workbench', 'workbench', `the profile asks for ${p.clientAuth.assertionLifetime} s; assertions live at most ${ASSERTION_LIFETIME_HARD_CAP_SECONDS} s`);
    const auth = clientAuthForProfile(p, this.config.inputs);

    let tokens: TokenResponse;
    let nonce: string | undefined;
    let frontChannel: Partial<FlowVerification> = {};
    switch (p.grantType) {
      case 'authorization_code':
      case 'implicit':
        ({ tokens, nonce, frontChannel } = await this.interactive(auth, authentication));
        break;
      case 'urn:ietf:params:oauth:grant-type:device_code':
        tokens = await this.deviceFlow(auth);
        break;
      case CIBA_GRANT:
        tokens = await this.cibaFlow(auth);
        break;
      default:
        tokens = await this.directGrant(auth);
    }
    const bindings = this.checkBindings(tokens);
    const asked = p.grantType === 'authorization_code' || p.grantType === 'implicit' ? authentication : {};
    const received = await this.verifyReceived(tokens, nonce, asked);
    const verification = received || Object.keys(frontChannel).length ? { ...(received ?? {}), ...frontChannel } : undefined;
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
      authentication: asked,
      ...(verification ? { verification } : {}),
      ...(bindings.length ? { bindings } : {}),
    };
  }

  /** DPoP: cnf.jkt against the proof key; mutual TLS: cnf.x5t#S256 against the client certificate. A mismatch fails the run. */
  private checkBindings(tokens: TokenResponse): TokenBindingCheck[] {
    const out: TokenBindingCheck[] = [];
    const claims = accessTokenClaims(tokens.access_token);
    const source = claims ? 'jwt' : undefined;
    const key = this.config.inputs.dpopKey;
    if (key) out.push(requireBinding('dpop', key.thumbprint, claims, source, tokens.token_type));
    const cert = this.config.network.tls?.cert;
    const mtlsExpected = this.profile.certificateBoundTokens?.enabled === true || usesMutualTls(this.profile.clientAuth.method);
    if (cert && mtlsExpected) {
      const cnf = claims?.cnf;
      // A mutual-TLS client whose token is simply unbound is normal; a profile that asks for bound tokens wants to know.
      if (this.profile.certificateBoundTokens?.enabled || (cnf && typeof cnf === 'object' && 'x5t#S256' in cnf))
        out.push(requireBinding('mtls', certificateThumbprint(cert), claims, source, tokens.token_type));
    }
    for (const b of out) this.transcript.event(`${b.kind === 'dpop' ? 'DPoP' : 'certificate'} binding: ${b.status}`, 'workbench', 'workbench', b.message);
    return out;
  }

  /** Every ID token, and JWT access tokens when there are keys to check them with, get the inspector's report. */
  private async verifyReceived(tokens: TokenResponse, nonce: string | undefined, authentication: AuthenticationRequest): Promise<FlowVerification | undefined> {
    const issuer = this.metadata?.issuer ?? this.profile.issuer;
    // Keys come from the server's jwks_uri (discovered or typed); a profile without discovery is not discovered here either.
    const jwksUri = this.endpoints.jwks_uri;
    if (!jwksUri) return undefined;
    // Verification (and what it pulls in) loads only when there is a JWT to check: an opaque access token alone needs none of it.
    if (!tokens.id_token && tokens.access_token.split('.').length !== 3) return undefined;
    const [{ isJwt, verifyToken }, { httpJwksFetcher }] = await Promise.all([import('../jose/verify'), import('./jwks-fetcher')]);
    const common = { ...(issuer ? { issuer } : {}), jwksUri, fetcher: httpJwksFetcher(() => this.http), ...(this.deps.signal ? { signal: this.deps.signal } : {}) };
    const out: FlowVerification = {};
    if (tokens.id_token) {
      out.idToken = await verifyToken(tokens.id_token, {
        ...common,
        idToken: true,
        clientId: this.profile.clientId,
        ...(nonce ? { nonce } : {}),
        ...authentication,
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

  /** Sends a token request built by `build` (built again for a DPoP nonce retry: assertions are single-use). */
  private async sendToken(build: () => Promise<import('./http').PreparedRequest>, label = 'token request', expectIdToken = false): Promise<TokenResponse> {
    const options = { label, signal: this.deps.signal };
    // The request as last sent, so a failure can say what was sent (electron/engine/failure-hints).
    let sent: import('./http').PreparedRequest | undefined;
    const recorded = async () => (sent = await build());
    const res = this.dpop ? await this.dpop.send(this.http, recorded, options) : await this.http.send(await recorded(), options);
    // A refused assertion or credential gets its causes listed once, by electron/engine/failure-hints.
    return processExplained(sent as import('./http').PreparedRequest, res, this.sentRequest(label), (r) => processTokenResponse(r, { grantType: this.profile.grantType, expectIdToken }));
  }

  /** What a failed request's error names: the method and encoding used, the id and secret to compare encodings. */
  private sentRequest(label: string): SentRequest {
    const p = this.profile;
    return { label, authMethod: p.clientAuth.method, basicEncoding: p.interop.basicEncoding, clientId: p.clientId, ...(this.config.inputs.clientSecret !== undefined ? { clientSecret: this.config.inputs.clientSecret } : {}) };
  }

  /** RAR (RFC 9396): the profile's authorization_details as one JSON parameter. */
  private authorizationDetails(): FormParams {
    const details = this.profile.rar?.authorizationDetails;
    return details?.length ? [['authorization_details', JSON.stringify(details)]] : [];
  }

  private async directGrant(auth: ClientAuth): Promise<TokenResponse> {
    const p = this.profile;
    const inputs = this.config.inputs;
    const ctx = this.ctx(this.endpoint('token'));
    const token = extraParams(p.params.token);
    switch (p.grantType) {
      case 'client_credentials':
        return this.sendToken(() => clientCredentialsGrantRequest(ctx, auth, this.scope(), [...this.authorizationDetails(), ...token]));
      case 'refresh_token': {
        const refreshToken = inputs.refreshToken;
        if (!refreshToken) throw new WorkbenchError('MISSING_CONFIGURATION', 'the refresh_token grant needs a refresh token');
        const tokens = await this.sendToken(() => refreshTokenGrantRequest(ctx, auth, refreshToken, this.scope(), extraParams(p.params.refresh)), 'refresh request');
        // A server that does not rotate returns no refresh_token: the old one stays valid.
        return tokens.refresh_token ? tokens : { ...tokens, refresh_token: refreshToken };
      }
      case 'password': {
        const { username } = p;
        const { password } = inputs;
        if (!username || password === undefined) throw new WorkbenchError('MISSING_CONFIGURATION', 'the password grant needs a username and a password');
        return this.sendToken(() => passwordGrantRequest(ctx, auth, { username, password }, this.scope(), token));
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer':
        return this.sendToken(async () => jwtBearerGrantRequest(ctx, auth, await this.jwtBearerAssertion(), this.scope(), token));
      case 'urn:ietf:params:oauth:grant-type:saml2-bearer': {
        const xml = inputs.samlAssertionXml;
        if (!xml?.trim()) throw new WorkbenchError('MISSING_CONFIGURATION', 'the SAML 2.0 bearer grant needs a SAML assertion (XML)');
        if (!xml.trimStart().startsWith('<')) throw new WorkbenchError('INVALID_INPUT', 'the SAML assertion must be the assertion XML, not an encoded string');
        return this.sendToken(() => saml2BearerGrantRequest(ctx, auth, xml, this.scope(), token));
      }
      case 'urn:ietf:params:oauth:grant-type:token-exchange': {
        const subjectToken = inputs.subjectToken;
        if (!subjectToken) throw new WorkbenchError('MISSING_CONFIGURATION', 'token exchange needs a subject token');
        return this.sendToken(() =>
          tokenExchangeGrantRequest(
            ctx,
            auth,
            {
              subjectToken,
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
    // Claims from an unconfirmed import are signed by nobody's key (issue 11).
    assertImportConfirmed(p, ['jwtBearerClaims', 'clientAuth.keyAlias']);
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
    const iat = take('iat');
    const nbf = take('nbf');
    if (typeof iss !== 'string' || typeof sub !== 'string') throw new WorkbenchError('INVALID_INPUT', 'JWT bearer claims "iss" and "sub" must be strings');
    if (typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) throw new WorkbenchError('INVALID_INPUT', 'JWT bearer claim "aud" must be a string or an array of strings');
    // Issue 11: exp at most the profile's assertion lifetime (hard cap 1 h), iat and nbf now, whatever the
    // claims say. Clamped rather than refused (a shorter assertion is never less safe), and said in the transcript.
    const limit = cappedAssertionLifetime(p.clientAuth.assertionLifetime);
    const now = Math.floor(Date.now() / 1000);
    const asked = typeof exp === 'number' && Number.isFinite(exp) ? exp - now : undefined;
    const lifetimeSeconds = asked === undefined ? limit : Math.min(Math.max(1, asked), limit);
    const notes: string[] = [];
    if (exp !== undefined && (asked === undefined || asked > limit)) notes.push(`exp ${JSON.stringify(exp)} from the claims replaced by now + ${lifetimeSeconds} s`);
    if (p.clientAuth.assertionLifetime > limit) notes.push(`the profile's assertion lifetime ${p.clientAuth.assertionLifetime} s capped at ${limit} s`);
    if (iat !== undefined) notes.push(`iat ${JSON.stringify(iat)} from the claims replaced by now`);
    if (nbf !== undefined) notes.push(`nbf ${JSON.stringify(nbf)} from the claims replaced by now`);
    if (notes.length) this.transcript.event('JWT bearer assertion: time claims set by the workbench', 'workbench', 'workbench', `${notes.join('; ')} (at most ${ASSERTION_LIFETIME_HARD_CAP_SECONDS} s)`);
    const i = p.interop;
    const header = assertionHeader({ x5t: p.clientAuth.x5t, header: { kid: i.kid, ...(i.customKid !== undefined ? { customKid: i.customKid } : {}), x5t: i.x5t, x5tS256: i.x5tS256, x5c: i.x5c } });
    // A shared-secret signer (HS256 with the client secret) has no kid or thumbprint of its own.
    if ('secret' in inputs.assertionSigner && i.kid !== 'custom') header.kid = 'none';
    return signAssertion({ header, claims: { iss, sub, aud: aud as string | string[], lifetimeSeconds, nbf: nbf !== undefined, extra: claims }, maxLifetimeSeconds: limit }, inputs.assertionSigner);
  }

  private async interactive(auth: ClientAuth, authentication: AuthenticationRequest): Promise<{ tokens: TokenResponse; nonce?: string; frontChannel: Partial<FlowVerification> }> {
    const p = this.profile;
    const ar = p.authorizationRequest;
    const implicit = p.grantType === 'implicit';
    const responseType = ar.responseType ?? (implicit ? (this.wantsIdToken() ? 'id_token token' : 'token') : 'code');
    const responseMode = effectiveResponseMode(responseType, ar.responseMode);
    const jarm = isJarmMode(responseMode);
    const frontChannel: Partial<FlowVerification> = {};
    const authorizationEndpoint = this.endpoint('authorization');
    const openid = this.wantsIdToken();
    const state = randomToken();
    const nonce = openid || implicit || responseType.includes('id_token') ? randomToken() : undefined;
    const pkce: Pkce | undefined = responseType.includes('code') && p.pkce !== 'off' ? createPkce(ar.fapi2 ? 'S256' : p.pkce) : undefined;
    const timeoutMs = this.config.interactionTimeoutMs ?? DEFAULT_INTERACTION_TIMEOUT_MS;
    const fixed = p.redirect.mode === 'fixed' ? p.redirect.url : undefined;
    if (p.redirect.mode === 'fixed' && !fixed) throw new WorkbenchError('MISSING_CONFIGURATION', 'a fixed redirect needs its URL');
    const loopback = !fixed || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(fixed);

    let listener: LoopbackRedirectListener | undefined;
    let redirectUri: string;
    let response: Promise<URLSearchParams>;
    if (loopback) {
      listener = await LoopbackRedirectListener.start({ fixedRedirectUri: fixed, fragment: isFragmentMode(responseMode) });
      redirectUri = listener.redirectUri;
      response = listener.wait({ state, timeoutMs, signal: this.deps.signal, stateInResponseJwt: jarm });
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
      const url = await this.authorizationUrl(auth, authorizationEndpoint, {
        clientId: p.clientId,
        redirectUri,
        responseType,
        scopes: p.scopes,
        state,
        nonce,
        pkce,
        params: [
          ...(ar.responseMode ? ([['response_mode', ar.responseMode]] as FormParams) : []),
          ...oidcRequestParams(ar, this.config.inputs.idTokenHint),
          ...(p.audience ? ([['audience', p.audience]] as FormParams) : []),
          ...p.resource.map((r) => ['resource', r] as [string, string]),
          ...(!implicit ? this.authorizationDetails() : []),
          ...(this.dpop && p.dpop?.bindAuthorizationCode !== false && !implicit ? ([['dpop_jkt', this.dpop.key.thumbprint]] as FormParams) : []),
          ...extraParams(p.params.authorization),
        ],
      });
      this.transcript.event('authorization request', 'workbench', 'browser', this.transcript.redactUrl(url));
      // The URL goes out before the opener runs: a user whose browser cannot be started still has it to copy.
      this.deps.onProgress?.({ kind: 'waiting_for_redirect', redirectUri, expiresAt: new Date(Date.now() + timeoutMs).toISOString(), authorizationUrl: url });
      if (await this.open(url)) this.deps.onProgress?.({ kind: 'browser_opened', url, ...(this.requestUriExpiresAt ? { requestUriExpiresAt: this.requestUriExpiresAt } : {}) });
      let params = await response;
      this.transcript.event('authorization response', 'browser', 'loopback', this.transcript.redactUrl(`${redirectUri}?${params.toString()}`));
      const issuer = this.metadata?.issuer ?? p.issuer;
      if (jarm) {
        const verified = await this.recordingReport('JARM response', params.get('response') ?? '', () =>
          processJarmResponse(params, {
            issuer,
            clientId: p.clientId,
            jwksUri: this.endpoints.jwks_uri,
            http: this.http,
            ...(this.config.inputs.jarmDecryptionKey ? { decryptionKey: this.config.inputs.jarmDecryptionKey } : {}),
            ...(this.deps.signal ? { signal: this.deps.signal } : {}),
          }),
        );
        params = verified.params;
        frontChannel.authorizationResponse = verified.report;
        // The state was inside the signed JWT: the listener left it to us.
        if (params.get('state') !== state)
          throw new WorkbenchError('STATE_MISMATCH', params.has('state') ? 'the JARM response carries a different state than the request' : 'the JARM response has no state');
      }
      processAuthorizationResponse(params, {
        state,
        issuer,
        issRequired: this.metadata?.authorization_response_iss_parameter_supported === true || ar.fapi2,
      });
      const frontIdToken = params.get('id_token');
      if (frontIdToken && !implicit) {
        // Hybrid (OIDC Core §3.3.2.12): verify it, c_hash against the code and s_hash against the state, before redeeming the code.
        const checked = await this.recordingReport('front-channel ID token', frontIdToken, async () => ({
          report: await verifyFrontChannelIdToken(frontIdToken, {
            issuer,
            clientId: p.clientId,
            jwksUri: this.endpoints.jwks_uri,
            nonce,
            code: params.get('code') ?? undefined,
            accessToken: params.get('access_token') ?? undefined,
            state,
            http: this.http,
            ...(this.deps.signal ? { signal: this.deps.signal } : {}),
          }),
        }));
        frontChannel.frontChannelIdToken = checked.report;
      }

      let tokens: TokenResponse;
      if (implicit) {
        tokens = implicitTokens(params, openid && responseType.includes('id_token'));
      } else {
        const code = params.get('code');
        if (!code) throw new WorkbenchError('INVALID_RESPONSE', 'the authorization response has no code');
        this.transcript.addSecret(pkce?.verifier);
        tokens = await this.sendToken(
          () => authorizationCodeGrantRequest(this.ctx(this.endpoint('token')), auth, { code, redirectUri, codeVerifier: pkce?.verifier }, extraParams(p.params.token)),
          'token request',
          openid,
        );
      }
      if (nonce && tokens.id_token) checkNonce(tokens.id_token, nonce);
      if (tokens.id_token) checkAuthentication(tokens.id_token, authentication);
      return { tokens, nonce, frontChannel };
    } finally {
      await listener?.close();
    }
  }

  /**
   * The URL the browser opens: plain query parameters, or a request object
   * (RFC 9101) by value, or everything pushed first (RFC 9126) and only
   * client_id + request_uri in the URL.
   */
  private async authorizationUrl(auth: ClientAuth, authorizationEndpoint: string, input: Omit<AuthorizationUrlInput, 'authorizationEndpoint'>): Promise<string> {
    const p = this.profile;
    const ar = p.authorizationRequest;
    const requiredByServer = this.metadata?.require_pushed_authorization_requests === true;
    const usePar = ar.par === 'on' || ar.fapi2 || (ar.par === 'auto' && requiredByServer);
    if (ar.par === 'off' && requiredByServer) throw new WorkbenchError('MISSING_CONFIGURATION', 'the server requires pushed authorization requests (require_pushed_authorization_requests), but PAR is off in the profile');

    // Every parameter as the plain URL would carry it, the single source for all three forms.
    if (!usePar && ar.requestObject === 'off') return buildAuthorizationUrl({ authorizationEndpoint, ...input });
    // Every parameter as the plain URL would carry it (without the endpoint's own query), the source of the other two forms.
    let params: FormParams = [...new URL(buildAuthorizationUrl({ authorizationEndpoint: 'http://endpoint.invalid/', ...input })).searchParams.entries()];
    if (ar.requestObject !== 'off') {
      const key = this.config.inputs.requestObjectKey ?? this.config.inputs.signingKey;
      if (!key) throw new WorkbenchError('MISSING_CONFIGURATION', 'a request object needs a signing key (a keystore alias or a key file)');
      const audience = this.metadata?.issuer ?? p.issuer;
      if (!audience) throw new WorkbenchError('MISSING_CONFIGURATION', 'a request object needs the issuer URL (its "aud")');
      let request = await signRequestObject({ params, clientId: p.clientId, audience, key, lifetimeSeconds: ar.requestObjectLifetime, x5t: ar.requestObjectX5t, kid: requestObjectKid(p) });
      this.transcript.event('request object (signed)', 'workbench', 'workbench', request);
      if (ar.requestObject === 'encrypted') {
        const target = await requestObjectEncryptionTarget(
          {
            ...(ar.requestObjectEncryptionKey ? { given: ar.requestObjectEncryptionKey } : {}),
            ...(ar.requestObjectEncryptionAlg ? { alg: ar.requestObjectEncryptionAlg } : {}),
            ...(ar.requestObjectEncryptionEnc ? { enc: ar.requestObjectEncryptionEnc } : {}),
            ...(this.metadata ? { metadata: this.metadata } : {}),
            ...(this.endpoints.jwks_uri ? { jwksUri: this.endpoints.jwks_uri } : {}),
          },
          this.http,
          this.deps.signal,
        );
        request = await encryptRequestObject(request, target);
        this.transcript.event('request object encrypted', 'workbench', 'workbench', `${target.alg} / ${target.enc}${target.jwk.kid ? ` to kid "${target.jwk.kid}"` : ''}`);
      }
      // RFC 9101 §5: client_id outside, everything else inside the request object.
      params = [
        ['client_id', p.clientId],
        ['request', request],
      ];
    }
    if (!usePar) {
      const url = new URL(authorizationEndpoint);
      for (const [k, v] of params) url.searchParams.append(k, v);
      return url.toString();
    }
    const parEndpoint = ar.parEndpoint ?? (typeof this.metadata?.pushed_authorization_request_endpoint === 'string' ? this.metadata.pushed_authorization_request_endpoint : undefined);
    if (!parEndpoint) throw new WorkbenchError('MISSING_CONFIGURATION', "no pushed authorization request endpoint: the server's metadata has none; type it in the profile");
    const build = () => pushedAuthorizationRequest(this.ctx(this.parEndpoint(parEndpoint)), auth, params);
    const options = { label: 'pushed authorization request', signal: this.deps.signal };
    // RFC 9449 §10.1: a DPoP proof on the PAR request binds the code to the key (dpop_jkt, when sent too, must match it);
    // a nonce the server demands there is retried once, and a client assertion is built again for the retry.
    const bindCode = this.dpop !== undefined && p.dpop?.bindAuthorizationCode !== false;
    const pushed = processPushedAuthorizationResponse(bindCode && this.dpop ? await this.dpop.send(this.http, build, options) : await this.http.send(await build(), options));
    this.requestUriExpiresAt = new Date(Date.now() + pushed.expires_in * 1000).toISOString();
    return pushedAuthorizationUrl(authorizationEndpoint, p.clientId, pushed.request_uri);
  }

  /** Runs a verification and records the token with its checks, valid or not, so the exchange view can show why. */
  private async recordingReport<T extends { report: VerificationReport }>(what: string, jwt: string, verify: () => Promise<T>): Promise<T> {
    const token = this.config.hideTokens ? '[redacted]' : jwt;
    try {
      const out = await verify();
      this.transcript.event(`${what}: ${out.report.ok ? 'verified' : 'not verified'}`, 'workbench', 'workbench', reportDetail(token, out.report));
      return out;
    } catch (err) {
      const report = err instanceof WorkbenchError ? (err.details?.report as VerificationReport | undefined) : undefined;
      this.transcript.event(`${what}: NOT VALID`, 'workbench', 'workbench', report ? reportDetail(token, report) : `${token}\n${(err as Error).message}`);
      throw err;
    }
  }

  /** Mutual-TLS clients push to the PAR endpoint's alias (RFC 8705 §5). */
  private parEndpoint(url: string): string {
    const alias = this.metadata?.mtls_endpoint_aliases?.pushed_authorization_request_endpoint;
    return usesMutualTls(this.profile.clientAuth.method) && !this.profile.authorizationRequest.parEndpoint && alias ? alias : url;
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
    const deviceRequest = await deviceAuthorizationRequest(this.ctx(this.endpoint('device_authorization')), auth, this.scope(), extraParams(p.params.authorization));
    const device = processExplained(
      deviceRequest,
      await this.http.send(deviceRequest, { label: 'device authorization request', signal }),
      this.sentRequest('device authorization request'),
      processDeviceAuthorizationResponse,
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

    return this.poll(
      () => this.sendToken(() => deviceCodeGrantRequest(this.ctx(this.endpoint('token')), auth, device.device_code, extraParams(p.params.token)), 'device token poll', this.wantsIdToken()),
      { interval: device.interval, expiresAt },
    );
  }

  /** Polls the token endpoint (device flow, CIBA): honours interval and slow_down (+5 s), stops at expiry or cancel. */
  private async poll(attemptOnce: () => Promise<TokenResponse>, o: { interval: number; expiresAt: number; expiry?: PollExpiry }): Promise<TokenResponse> {
    const expiry = o.expiry ?? { code: 'DEVICE_CODE_EXPIRED', message: 'the device code expired before the user finished signing in' };
    let interval = o.interval;
    for (let attempt = 1; ; attempt++) {
      if (Date.now() + interval * 1000 > o.expiresAt) throw new WorkbenchError(expiry.code, expiry.message);
      await delay(interval * 1000, this.deps.signal);
      this.deps.onProgress?.({ kind: 'polling', attempt, intervalSeconds: interval });
      try {
        return await attemptOnce();
      } catch (err) {
        const outcome = classifyPollError(err, expiry);
        if (!outcome) throw err;
        // RFC 8628 §3.5 / CIBA Core §11: slow_down adds 5 s; clamped so a server cannot park the run.
        if (outcome.kind === 'slow_down') interval = clampPollInterval(interval + 5);
      }
    }
  }

  /** CIBA poll mode (CIBA Core §7, §10.1): ask the user's device, then poll the token endpoint. */
  private async cibaFlow(auth: ClientAuth): Promise<TokenResponse> {
    const p = this.profile;
    const ciba = p.ciba ?? {};
    const endpoint = this.endpoint('backchannel_authentication');
    const started = processBackchannelAuthenticationResponse(
      await this.http.send(await backchannelAuthenticationRequest(this.ctx(endpoint), auth, ciba, this.scope(), [...this.authorizationDetails(), ...extraParams(p.params.authorization)]), {
        label: 'backchannel authentication request',
        signal: this.deps.signal,
      }),
    );
    const expiresAt = Date.now() + started.expires_in * 1000;
    this.transcript.event('authentication requested on the user\'s device', 'authorization_server', 'user', ciba.bindingMessage ? `binding message: ${ciba.bindingMessage}` : undefined);
    this.deps.onProgress?.({ kind: 'ciba', ...(ciba.bindingMessage ? { bindingMessage: ciba.bindingMessage } : {}), expiresAt: new Date(expiresAt).toISOString(), intervalSeconds: started.interval });
    return this.poll(
      () => this.sendToken(() => cibaGrantRequest(this.ctx(this.endpoint('token')), auth, started.auth_req_id, extraParams(p.params.token)), 'CIBA token poll', this.wantsIdToken()),
      { interval: started.interval, expiresAt, expiry: { code: 'AUTHENTICATION_EXPIRED', message: 'the backchannel authentication request expired before the user answered' } },
    );
  }
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

/** Token-request parameters that belong to the authorization request are refused, not sent where they do nothing. */
function checkTokenParams(p: ConnectionProfile): void {
  for (const [list, where] of [[p.params.token, 'token'], [p.params.refresh, 'refresh']] as const)
    for (const param of list) {
      const misplaced = misplacedTokenParam(param.name);
      if (misplaced) throw new WorkbenchError('INVALID_INPUT', `${where} request parameter ${misplaced}`);
    }
}

/**
 * What the authorization request asked about the authentication must hold in the ID token that answers it:
 * auth_time within max_age (OIDC Core §3.1.3.7 item 13), present when required, an essential acr met. A
 * failure fails the run: the token is not what was asked for.
 */
function checkAuthentication(idToken: string, authentication: AuthenticationRequest): void {
  const e = { ...authentication, idToken: true, accessToken: false, clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS, now: new Date() };
  const failed = requestedAuthenticationChecks(decodeJwt(idToken), e).filter((c) => c.status === 'failed');
  if (failed.length) throw new WorkbenchError('VERIFICATION_FAILED', `the ID token ${failed.map((c) => `${c.id}: ${c.reason}`).join('; ')}`, { details: { checks: failed } });
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
