import { WorkbenchError, toErrorInfo } from '../../shared/errors';
import type { HistoryEntry, HttpCallResult, RunSummary, TokenSet, WorkbenchEvent } from '../../shared/ipc';
import type { ConnectionProfile, Endpoints } from '../../shared/profile';
import { decodeToken } from '../../shared/token/decode';
import type { BrowserOpener } from '../engine/browser';
import { clientAuthForProfile, usesMutualTls, type ClientAuth } from '../engine/client-auth';
import { discover } from '../engine/discovery';
import { discoverCached } from '../engine/discovery-cache';
import { clientAuthForEndpoint, type AuthEndpoint, type EndpointAuthChoice } from '../engine/endpoint-auth';
import { endpointsFromMetadata, stripUndefined } from '../engine/endpoints';
import { DpopSession } from '../engine/dpop';
import { runFlow, transcriptOfFailure, type FlowProgress, type FlowResult } from '../engine/flow';
import { HttpClient, type HttpResponse, type NetworkSettings, type PreparedRequest } from '../engine/http';
import { Transcript } from '../engine/transcript';
import type { Keystore } from '../keystore/keystore';
import type { SecretStore } from '../secrets/secret-store';
import type { ProfileStore } from '../storage/profile-store';
import { applyEnvironment, type ProfileInEnvironment } from './environments';
import type { HistoryStore, StoredHistoryEntry } from './history';
import type { RedirectBroker } from './redirects';
import { readPem, resolveFlowConfig } from './run-profile';

export interface AppServiceOptions {
  dataDir: string;
  mode: 'electron' | 'web';
  version: string;
  /** Opens URLs the engine built (authorization, verification, logout) in the user's browser. */
  openBrowser: BrowserOpener;
  secrets: SecretStore;
  keystore?: Keystore;
  /** How long an interactive flow waits for the user (default: the engine's 5 minutes). */
  interactionTimeoutMs?: number;
}

/**
 * What every domain's handlers share: the stores, the event emitter, the
 * runs in flight, and the few helpers more than one domain needs (a
 * profile with its group's defaults, a run's bookkeeping, the context of a
 * call on stored tokens). Built once by createAppService.
 */
export interface ServiceContext {
  options: AppServiceOptions;
  store: ProfileStore;
  secrets: SecretStore;
  history: HistoryStore;
  broker: RedirectBroker;
  runs: Map<string, AbortController>;
  /** The sign-in (or verification) page of each running flow, for "Open again" (openRunUrl). */
  runUrls: Map<string, string>;
  emit(event: WorkbenchEvent): void;
  /** Adds a listener of pushed events; returns its removal. */
  subscribe(listener: (event: WorkbenchEvent) => void): () => void;
  dropListeners(): void;
  profileOrThrow(id: string): ConnectionProfile;
  /** The profile with its group's defaults (issuer, proxy, CA, TLS) filled in where it leaves them unset. */
  effective(p: ConnectionProfile): ConnectionProfile;
  /** Environments: the effective profile with `{{name}}` filled from its group's active environment. */
  inEnvironment(p: ConnectionProfile): Promise<ProfileInEnvironment>;
  networkOf(p: ConnectionProfile | undefined): Promise<NetworkSettings>;
  keystoreOrThrow(): Keystore;
  /** Runs a flow under a run id the renderer chose, so it can show progress and cancel before the call returns. */
  withRun<T>(runId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  flowDeps(runId: string, signal: AbortSignal): Parameters<typeof runFlow>[1];
  stores(): { secrets: SecretStore; keystore?: Keystore };
  recordRun(runId: string, profile: ConnectionProfile, result: FlowResult, ran?: RunWith): Promise<RunSummary>;
  /**
   * The profile (effective) and per-run secrets a history entry's tokens were obtained with, when the run
   * used unsaved form values: later calls on those tokens (refresh, revoke, introspect, userinfo, API) use
   * them too. In memory only, for this session; never written (issue 12).
   */
  runWith: Map<string, RunWith>;
  /** The effective profile for calls on an entry's tokens: what its run used, else the saved one. */
  profileForEntry(profileId: string, historyId: string | undefined): { profile: ConnectionProfile; secrets: RunSecrets };
  refreshRun(runId: string, profileId: string, historyId?: string): Promise<RunSummary>;
  tokenContext(profileId: string, historyId: string | undefined): Promise<TokenContext>;
  /** Sends, lets the inspector's processor judge the response (it throws the server's error), and returns it for display. */
  send(
    http: HttpClient,
    transcript: Transcript,
    req: PreparedRequest,
    label: string,
    to?: 'authorization_server' | 'resource_server',
    check?: (res: HttpResponse) => void,
  ): Promise<HttpCallResult>;
  /**
   * Like send, for calls that carry the access token: with a DPoP proof (and one nonce retry) when the
   * tokens are DPoP-bound, built again for the retry (issue 14).
   */
  sendProved(
    t: TokenContext,
    build: () => PreparedRequest | Promise<PreparedRequest>,
    label: string,
    to: 'authorization_server' | 'resource_server',
    check?: (res: HttpResponse) => void,
    accessToken?: string,
  ): Promise<HttpCallResult>;
}

export type RunSecrets = { clientSecret?: string; password?: string; refreshToken?: string };
export interface RunWith {
  profile: ConnectionProfile;
  secrets: RunSecrets;
}
/** How many entries' unsaved run settings are remembered. */
const MAX_RUN_WITH = 100;

/** What calls on stored tokens need: the tokens, the endpoints the flow used, and the client's authentication. */
export interface TokenContext {
  profile: ConnectionProfile;
  entry: StoredHistoryEntry;
  tokens: TokenSet;
  /** The client secret, for naming encoding differences in errors; never sent to the renderer. */
  clientSecret?: string;
  http: HttpClient;
  transcript: Transcript;
  endpoints: Endpoints;
  auth(): ClientAuth;
  /** Introspection and revocation: the method their metadata accepts when the profile's is not listed (issue 13). */
  authFor(endpoint: AuthEndpoint): Promise<{ auth: ClientAuth; choice: EndpointAuthChoice }>;
  endpoint(name: keyof Endpoints, what: string): string;
  ctx(url: string): { clientId: string; issuer: string | undefined; endpoint: string; tokenEndpoint: string | undefined; transcript: Transcript };
  /** DPoP proofs with the profile's key, when the tokens are DPoP-bound (issue 14). */
  dpop?: DpopSession;
  /** The client certificate presented on the connection (mutual TLS), PEM. */
  tlsCertPem?: string;
}

export function createServiceContext(
  options: AppServiceOptions,
  parts: { store: ProfileStore; history: HistoryStore; broker: RedirectBroker },
): ServiceContext {
  const { store, history, broker } = parts;
  const secrets = options.secrets;
  const listeners = new Set<(event: WorkbenchEvent) => void>();
  const runs = new Map<string, AbortController>();
  const runUrls = new Map<string, string>();
  const runWith = new Map<string, RunWith>();

  const c: ServiceContext = {
    options,
    store,
    secrets,
    history,
    broker,
    runs,
    runUrls,
    runWith,
    profileForEntry(profileId, historyId) {
      const entry = historyId ? history.get(historyId) : history.latest(profileId);
      const used = entry ? runWith.get(entry.id) : undefined;
      if (used && used.profile.id === profileId) return used;
      return { profile: c.effective(c.profileOrThrow(profileId)), secrets: {} };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dropListeners: () => listeners.clear(),
    emit(event) {
      for (const l of listeners) {
        try {
          l(event);
        } catch {
          // A broken listener (a closed window, a dropped SSE client) must not break the operation.
        }
      }
    },
    profileOrThrow(id) {
      const p = store.listProfiles().find((x) => x.id === id);
      if (!p) throw new WorkbenchError('NOT_FOUND', `no profile with id ${id}`);
      return p;
    },
    effective(p) {
      const group = p.groupId ? store.listGroups().find((g) => g.id === p.groupId) : undefined;
      if (!group) return p;
      const d = group.defaults;
      return {
        ...p,
        issuer: p.issuer ?? d.issuer,
        network: {
          ...p.network,
          proxy: p.network.proxy ?? d.network?.proxy,
          caFile: p.network.caFile ?? d.network?.caFile,
          insecureSkipTlsVerify: p.network.insecureSkipTlsVerify || (d.network?.insecureSkipTlsVerify ?? false),
        },
      };
    },
    inEnvironment: (p) => applyEnvironment(c.effective(p), store.listGroups(), secrets),
    async networkOf(p) {
      if (!p) return {};
      return {
        proxy: p.network.proxy,
        timeoutMs: p.network.timeoutMs,
        tls: {
          ...(p.network.caFile ? { ca: await readPem(p.network.caFile, 'CA bundle') } : {}),
          ...(p.network.insecureSkipTlsVerify ? { insecure: true } : {}),
        },
      };
    },
    keystoreOrThrow() {
      if (!options.keystore) throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', 'the keystore is not available');
      return options.keystore;
    },
    async withRun(runId, work) {
      if (runs.has(runId)) throw new WorkbenchError('ALREADY_EXISTS', `run ${runId} is already running`);
      const controller = new AbortController();
      runs.set(runId, controller);
      try {
        return await work(controller.signal);
      } finally {
        runs.delete(runId);
        runUrls.delete(runId);
      }
    },
    flowDeps(runId, signal) {
      return {
        openBrowser: options.openBrowser,
        signal,
        // Only the desktop app is handed private-use scheme URLs by the OS; in browser mode a flow
        // that needs one fails before the browser opens instead of waiting out its deadline.
        ...(options.mode === 'electron' ? { receiveRedirect: broker.receive } : {}),
        onProgress: (progress: FlowProgress) => {
          const url = progress.kind === 'waiting_for_redirect' ? progress.authorizationUrl : progress.kind === 'browser_failed' ? progress.url : progress.kind === 'device_code' ? (progress.verificationUriComplete ?? progress.verificationUri) : undefined;
          if (url && runs.has(runId)) runUrls.set(runId, url);
          c.emit({ type: 'run.progress', runId, progress });
        },
      };
    },
    stores: () => ({ secrets, ...(options.keystore ? { keystore: options.keystore } : {}) }),
    async recordRun(runId, profile, result, ran) {
      const tokens = result.tokens as TokenSet;
      const entry = await history.add(
        {
          profileId: profile.id,
          profileName: profile.name,
          grantType: result.grantType,
          obtainedAt: result.obtainedAt,
          endpoints: result.endpoints,
          ...(result.nonce ? { nonce: result.nonce } : {}),
          ...(result.authentication ? { authentication: result.authentication } : {}),
          ...(result.metadata?.issuer ?? profile.issuer ? { issuer: result.metadata?.issuer ?? profile.issuer } : {}),
          ...(result.bindings?.length ? { bindings: result.bindings } : {}),
          requestedScopes: profile.scopes,
        },
        tokens,
      );
      const transcript = result.transcript;
      // Kept with the entry, so reopening the profile shows its Exchange (issue 12); a failure to keep it must not lose the tokens.
      await history.addTranscript(entry.id, transcript).catch(() => undefined);
      const stored = history.get(entry.id) ?? entry;
      if (ran) {
        runWith.set(entry.id, ran);
        for (const old of [...runWith.keys()].slice(0, Math.max(0, runWith.size - MAX_RUN_WITH))) runWith.delete(old);
      }
      c.emit({ type: 'history.changed', profileId: profile.id });
      return { runId, profileId: profile.id, grantType: result.grantType, obtainedAt: result.obtainedAt, history: publicEntry(stored), tokens, transcript };
    },
    async refreshRun(runId, profileId, historyId) {
      const entry = historyId ? history.get(historyId) : history.latest(profileId, { withRefresh: true });
      if (!entry || entry.profileId !== profileId) throw new WorkbenchError('NOT_FOUND', 'no stored tokens with a refresh token for this profile — get a token first');
      const { profile: used, secrets: given } = c.profileForEntry(profileId, entry.id);
      // Environments: {{name}} filled from the group's active environment.
      const { profile, variables } = await c.inEnvironment(used);
      const tokens = await history.tokens(entry.id);
      if (!tokens?.refresh_token) throw new WorkbenchError('MISSING_CONFIGURATION', 'these tokens came without a refresh token (ask for the offline_access scope?)');
      const refreshProfile: ConnectionProfile = { ...profile, grantType: 'refresh_token' };
      const { refreshToken: _r, ...secrets } = given;
      const config = await resolveFlowConfig(refreshProfile, c.stores(), { ...secrets, refreshToken: tokens.refresh_token, interactionTimeoutMs: options.interactionTimeoutMs, ...(variables ? { variables } : {}) });
      const ran = runWith.get(entry.id);
      return c.withRun(runId, async (signal) => c.recordRun(runId, profile, await runFlow(config, c.flowDeps(runId, signal)).catch(withFailedTranscript), ran));
    },
    async tokenContext(profileId, historyId) {
      const entry = historyId ? history.get(historyId) : history.latest(profileId);
      if (!entry || entry.profileId !== profileId) throw new WorkbenchError('NOT_FOUND', 'no stored tokens for this profile — get a token first');
      const { profile: used, secrets } = c.profileForEntry(profileId, entry.id);
      const { profile, variables } = await c.inEnvironment(used);
      const tokens = await history.tokens(entry.id);
      if (!tokens) throw new WorkbenchError('NOT_FOUND', 'the tokens of this history entry were cleared from the keychain');
      const config = await resolveFlowConfig(profile, c.stores(), { ...secrets, ...(variables ? { variables } : {}) });
      const transcript = new Transcript();
      for (const s of [config.inputs.clientSecret, ...(config.redact ?? [])]) transcript.addSecret(s);
      const http = new HttpClient(config.network, transcript);
      let endpoints: Endpoints = { ...(entry.endpoints ?? {}) };
      if (Object.keys(endpoints).length === 0 && profile.issuer && profile.discovery) {
        endpoints = endpointsFromMetadata(await discover(http, profile.issuer), usesMutualTls(profile.clientAuth.method) || profile.certificateBoundTokens?.enabled === true);
      }
      endpoints = { ...endpoints, ...stripUndefined(profile.endpoints) };
      const auth = (): ClientAuth => clientAuthForProfile(profile, config.inputs);
      const authFor = async (which: AuthEndpoint) => {
        // Metadata through the process-wide discovery cache: usually no request at all.
        const metadata = profile.issuer && profile.discovery ? await discoverCached(http, profile.issuer, { network: config.network, transcript }).catch(() => undefined) : undefined;
        return clientAuthForEndpoint(profile, metadata, which, { ...config.inputs, tlsClientCertificate: Boolean(config.network.tls?.cert) }, transcript);
      };
      const endpoint = (name: keyof Endpoints, what: string) => {
        const url = endpoints[name];
        if (!url) throw new WorkbenchError('MISSING_CONFIGURATION', `no ${what} endpoint: the server does not publish one; type it in the profile`);
        return url;
      };
      const ctx = (url: string) => ({ clientId: profile.clientId, issuer: entry.issuer ?? profile.issuer, endpoint: url, tokenEndpoint: endpoints.token, transcript });
      const isDpop = /^dpop$/i.test(tokens.token_type);
      if (isDpop && !config.inputs.dpopKey) throw new WorkbenchError('MISSING_CONFIGURATION', 'these tokens are DPoP-bound: turn DPoP on in the profile, with the key they were bound to');
      const dpop = isDpop && config.inputs.dpopKey ? new DpopSession(config.inputs.dpopKey, transcript) : undefined;
      return { profile, entry, tokens, ...(config.inputs.clientSecret !== undefined ? { clientSecret: config.inputs.clientSecret } : {}), http, transcript, endpoints, auth, authFor, endpoint, ctx, ...(dpop ? { dpop } : {}), ...(config.network.tls?.cert ? { tlsCertPem: config.network.tls.cert } : {}) };
    },
    async sendProved(t, build, label, to, check, accessToken) {
      if (!t.dpop) return c.send(t.http, t.transcript, await build(), label, to, check);
      try {
        const res = await t.dpop.send(t.http, build, { label, to }, accessToken);
        check?.(res);
        return { status: res.status, headers: res.headers, body: res.body, durationMs: Math.round(res.durationMs), transcript: t.transcript.entries };
      } finally {
        await t.http.close();
      }
    },
    async send(http, transcript, req, label, to = 'authorization_server', check) {
      try {
        const res = await http.send(req, { label, to });
        check?.(res);
        return { status: res.status, headers: res.headers, body: res.body, durationMs: Math.round(res.durationMs), transcript: transcript.entries };
      } finally {
        await http.close();
      }
    },
  };
  return c;
}

export function publicEntry(e: StoredHistoryEntry): HistoryEntry {
  const { endpoints: _e, issuer: _i, nonce: _n, authentication: _a, ...rest } = e;
  return rest;
}

/** A failed run's exchanges travel with its error (already redacted), so the exchange view can show why it failed. */
export function withFailedTranscript(err: unknown): never {
  const transcript = transcriptOfFailure(err);
  if (!transcript?.length) throw err;
  const info = toErrorInfo(err);
  throw new WorkbenchError(info.code, info.message, { details: { ...info.details, transcript }, cause: err });
}

export function subjectOf(jwt: string): string | undefined {
  const decoded = decodeToken(jwt);
  return decoded.ok && decoded.format === 'jws' && typeof decoded.payload.sub === 'string' ? decoded.payload.sub : undefined;
}

/** Enough to tell two secrets apart, never enough to use one. */
export function mask(value: string): string {
  if (value.length < 12) return '•'.repeat(8);
  return `${'•'.repeat(8)}${value.slice(-2)}`;
}
