import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { toErrorInfo, WorkbenchError } from '../../shared/errors';
import type {
  ApiCallResult,
  HistoryEntry,
  HttpCallResult,
  KeyInfo,
  RunSummary,
  SecretName,
  SecretStatus,
  ServerMetadata,
  TokenInspection,
  TokenSet,
  WorkbenchEvent,
} from '../../shared/ipc';
import { SECRET_NAMES } from '../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile, Endpoints } from '../../shared/profile';
import { decodeToken } from '../../shared/token/decode';
import type { BrowserOpener } from '../engine/browser';
import { clientAuthFor, usesMutualTls, type ClientAuth } from '../engine/client-auth';
import { endpointsFromMetadata, stripUndefined } from '../engine/endpoints';
import { discover } from '../engine/discovery';
import { runFlow, transcriptOfFailure, type FlowProgress, type FlowResult } from '../engine/flow';
import { closeSharedConnections, HttpClient, type HttpResponse, type NetworkSettings, type PreparedRequest } from '../engine/http';
import { discoveryCache } from '../engine/discovery-cache';
import { Transcript } from '../engine/transcript';
import type { Keystore } from '../keystore/keystore';
import type { KeyInfo as KeystoreKeyInfo } from '../keystore/types';
import { buildLogoutUrl } from '../inspector/logout';
import {
  introspectionRequest,
  processIntrospectionResponse,
  processRevocationResponse,
  processUserinfoResponse,
  revocationRequest,
  userinfoRequest,
} from '../inspector/server-checks';
import { profileSecretAccount, type SecretStore } from '../secrets/secret-store';
import { ProfileStore } from '../storage/profile-store';
import { exportConnections, parseImport } from './connections-io';
import type { Handlers } from './dispatch';
import { HistoryStore, type StoredHistoryEntry } from './history';
import { RedirectBroker } from './redirects';
import { readPem, resolveFlowConfig } from './run-profile';
import { verifyForInspection } from './verify';

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

export interface AppService {
  handlers: Handlers;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
  /** A private-use scheme redirect delivered by the OS (desktop only). */
  deliverRedirect(url: string): boolean;
  /** Schemes of custom-scheme redirects used by saved profiles. */
  customRedirectSchemes(): string[];
  close(): Promise<void>;
}

/**
 * The application service: everything the renderer can ask for, free of
 * Electron, shared by the desktop main process and the browser-mode bridge.
 * It composes the engine, stores and keystore; it holds no business logic of
 * its own beyond bookkeeping (runs, history, secrets' whereabouts).
 */
export function createAppService(options: AppServiceOptions): AppService {
  const store = new ProfileStore({ dataDir: options.dataDir });
  const secrets = options.secrets;
  const history = new HistoryStore(options.dataDir, secrets);
  const broker = new RedirectBroker();
  const listeners = new Set<(event: WorkbenchEvent) => void>();
  const runs = new Map<string, AbortController>();
  const emit = (event: WorkbenchEvent) => {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // A broken listener (a closed window, a dropped SSE client) must not break the operation.
      }
    }
  };

  const profileOrThrow = (id: string): ConnectionProfile => {
    const p = store.listProfiles().find((x) => x.id === id);
    if (!p) throw new WorkbenchError('NOT_FOUND', `no profile with id ${id}`);
    return p;
  };

  /** Group defaults (issuer, proxy, CA, TLS) fill what the profile leaves unset. */
  const effective = (p: ConnectionProfile): ConnectionProfile => {
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
  };

  const networkOf = async (p: ConnectionProfile | undefined): Promise<NetworkSettings> => {
    if (!p) return {};
    return {
      proxy: p.network.proxy,
      timeoutMs: p.network.timeoutMs,
      tls: {
        ...(p.network.caFile ? { ca: await readPem(p.network.caFile, 'CA bundle') } : {}),
        ...(p.network.insecureSkipTlsVerify ? { insecure: true } : {}),
      },
    };
  };

  const keystoreOrThrow = (): Keystore => {
    if (!options.keystore) throw new WorkbenchError('KEYCHAIN_UNAVAILABLE', 'the keystore is not available');
    return options.keystore;
  };

  const secretStatus = async (profileId: string, name: SecretName): Promise<SecretStatus> => {
    const value = await secrets.get(profileSecretAccount(profileId, name));
    return value ? { name, set: true, masked: mask(value) } : { name, set: false };
  };

  const recordRun = async (runId: string, profile: ConnectionProfile, result: FlowResult): Promise<RunSummary> => {
    const tokens = result.tokens as TokenSet;
    const entry = await history.add(
      {
        profileId: profile.id,
        profileName: profile.name,
        grantType: result.grantType,
        obtainedAt: result.obtainedAt,
        endpoints: result.endpoints,
        ...(result.nonce ? { nonce: result.nonce } : {}),
        ...(result.metadata?.issuer ?? profile.issuer ? { issuer: result.metadata?.issuer ?? profile.issuer } : {}),
      },
      tokens,
    );
    emit({ type: 'history.changed', profileId: profile.id });
    return { runId, profileId: profile.id, grantType: result.grantType, obtainedAt: result.obtainedAt, history: publicEntry(entry), tokens, transcript: result.transcript };
  };

  /** Runs a flow under a run id the renderer chose, so it can show progress and cancel before the call returns. */
  const withRun = async <T>(runId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    if (runs.has(runId)) throw new WorkbenchError('ALREADY_EXISTS', `run ${runId} is already running`);
    const controller = new AbortController();
    runs.set(runId, controller);
    try {
      return await work(controller.signal);
    } finally {
      runs.delete(runId);
    }
  };

  const flowDeps = (runId: string, signal: AbortSignal) => ({
    openBrowser: options.openBrowser,
    signal,
    receiveRedirect: broker.receive,
    onProgress: (progress: FlowProgress) => emit({ type: 'run.progress', runId, progress }),
  });

  const stores = () => ({ secrets, ...(options.keystore ? { keystore: options.keystore } : {}) });

  const refreshRun = async (runId: string, profileId: string, historyId?: string): Promise<RunSummary> => {
    const profile = effective(profileOrThrow(profileId));
    const entry = historyId ? history.get(historyId) : history.latest(profileId, { withRefresh: true });
    if (!entry || entry.profileId !== profileId) throw new WorkbenchError('NOT_FOUND', 'no stored tokens with a refresh token for this profile — get a token first');
    const tokens = await history.tokens(entry.id);
    if (!tokens?.refresh_token) throw new WorkbenchError('MISSING_CONFIGURATION', 'these tokens came without a refresh token (ask for the offline_access scope?)');
    const refreshProfile: ConnectionProfile = { ...profile, grantType: 'refresh_token' };
    const config = await resolveFlowConfig(refreshProfile, stores(), { refreshToken: tokens.refresh_token, interactionTimeoutMs: options.interactionTimeoutMs });
    return withRun(runId, async (signal) => recordRun(runId, profile, await runFlow(config, flowDeps(runId, signal)).catch(withFailedTranscript)));
  };

  /** What calls on stored tokens need: the tokens, the endpoints the flow used, and the client's authentication. */
  const tokenContext = async (profileId: string, historyId: string | undefined) => {
    const profile = effective(profileOrThrow(profileId));
    const entry = historyId ? history.get(historyId) : history.latest(profileId);
    if (!entry || entry.profileId !== profileId) throw new WorkbenchError('NOT_FOUND', 'no stored tokens for this profile — get a token first');
    const tokens = await history.tokens(entry.id);
    if (!tokens) throw new WorkbenchError('NOT_FOUND', 'the tokens of this history entry were cleared from the keychain');
    const config = await resolveFlowConfig(profile, stores(), {});
    const transcript = new Transcript();
    for (const s of [config.inputs.clientSecret]) transcript.addSecret(s);
    const http = new HttpClient(config.network, transcript);
    let endpoints: Endpoints = { ...(entry.endpoints ?? {}) };
    if (Object.keys(endpoints).length === 0 && profile.issuer && profile.discovery) {
      endpoints = endpointsFromMetadata(await discover(http, profile.issuer), usesMutualTls(profile.clientAuth.method));
    }
    endpoints = { ...endpoints, ...stripUndefined(profile.endpoints) };
    const auth = (): ClientAuth =>
      clientAuthFor({
        method: profile.clientAuth.method,
        clientSecret: config.inputs.clientSecret,
        signingKey: config.inputs.signingKey,
        signingAlg: profile.clientAuth.signingAlg,
        assertion: { audience: profile.clientAuth.assertionAudience, lifetimeSeconds: profile.clientAuth.assertionLifetime, x5t: profile.clientAuth.x5t },
      });
    const endpoint = (name: keyof Endpoints, what: string) => {
      const url = endpoints[name];
      if (!url) throw new WorkbenchError('MISSING_CONFIGURATION', `no ${what} endpoint: the server does not publish one; type it in the profile`);
      return url;
    };
    const ctx = (url: string) => ({ clientId: profile.clientId, issuer: entry.issuer ?? profile.issuer, endpoint: url, tokenEndpoint: endpoints.token, transcript });
    return { profile, entry, tokens, http, transcript, endpoints, auth, endpoint, ctx };
  };

  /** Sends, lets the inspector's processor judge the response (it throws the server's error), and returns it for display. */
  const send = async (
    http: HttpClient,
    transcript: Transcript,
    req: PreparedRequest,
    label: string,
    to: 'authorization_server' | 'resource_server' = 'authorization_server',
    check?: (res: HttpResponse) => void,
  ): Promise<HttpCallResult> => {
    try {
      const res = await http.send(req, { label, to });
      check?.(res);
      return { status: res.status, headers: res.headers, body: res.body, durationMs: Math.round(res.durationMs), transcript: transcript.entries };
    } finally {
      await http.close();
    }
  };

  const keyInfo = async (k: KeystoreKeyInfo): Promise<KeyInfo> => {
    const { kty, n, e, crv, x, y } = k.publicJwk;
    const members = Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, v]) => v !== undefined)) as JWK;
    return { ...k, publicJwk: { ...k.publicJwk }, thumbprint: await calculateJwkThumbprint(members) };
  };

  const decodeInput = (encoding: 'text' | 'base64', data: string): string | Uint8Array => (encoding === 'text' ? data : Buffer.from(data, 'base64'));

  const handlers: Handlers = {
    appInfo: async () => ({ mode: options.mode, version: options.version, dataDir: options.dataDir, platform: process.platform }),

    listWorkspace: async () => ({ groups: store.listGroups(), profiles: store.listProfiles() }),
    saveGroup: async (input) => {
      const g = store.saveGroup(input);
      // A group's defaults (issuer, proxy, CA) change what its profiles discover.
      discoveryCache.invalidate();
      emit({ type: 'workspace.changed' });
      return g;
    },
    deleteGroup: async ({ groupId }) => {
      store.deleteGroup(groupId);
      emit({ type: 'workspace.changed' });
    },
    saveProfile: async (input) => {
      // secretRefs say which keychain items exist; only the secret operations change them.
      const existing = input.id ? store.listProfiles().find((p) => p.id === input.id) : undefined;
      const saved = store.saveProfile({ ...input, secretRefs: existing?.secretRefs ?? [] });
      // An edit is often a reaction to a server change: the next run discovers afresh.
      discoveryCache.invalidate();
      emit({ type: 'workspace.changed' });
      return saved;
    },
    deleteProfile: async ({ profileId }) => {
      profileOrThrow(profileId);
      store.deleteProfile(profileId);
      for (const name of SECRET_NAMES) await secrets.delete(profileSecretAccount(profileId, name));
      await history.clear(profileId);
      emit({ type: 'workspace.changed' });
      emit({ type: 'history.changed', profileId });
    },
    duplicateProfile: async ({ profileId }) => {
      const source = profileOrThrow(profileId);
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = source;
      const taken = new Set(store.listProfiles().filter((p) => p.groupId === source.groupId).map((p) => p.name));
      let name = `${source.name} (copy)`;
      for (let i = 2; taken.has(name); i++) name = `${source.name} (copy ${i})`;
      const copy = store.saveProfile({ ...rest, name });
      for (const ref of source.secretRefs) {
        const value = await secrets.get(profileSecretAccount(source.id, ref));
        if (value) await secrets.set(profileSecretAccount(copy.id, ref), value);
      }
      emit({ type: 'workspace.changed' });
      return copy;
    },
    moveProfile: async ({ profileId, groupId }) => {
      const p = profileOrThrow(profileId);
      const moved = store.saveProfile({ ...p, groupId: groupId ?? undefined });
      emit({ type: 'workspace.changed' });
      return moved;
    },
    getProfileSecrets: async ({ profileId }) => {
      profileOrThrow(profileId);
      return Promise.all(SECRET_NAMES.map((n) => secretStatus(profileId, n)));
    },
    setProfileSecret: async ({ profileId, name, value }) => {
      const p = profileOrThrow(profileId);
      await secrets.set(profileSecretAccount(profileId, name), value);
      if (!p.secretRefs.includes(name)) store.saveProfile({ ...p, secretRefs: [...p.secretRefs, name] });
      emit({ type: 'workspace.changed' });
      return secretStatus(profileId, name);
    },
    clearProfileSecret: async ({ profileId, name }) => {
      const p = profileOrThrow(profileId);
      await secrets.delete(profileSecretAccount(profileId, name));
      if (p.secretRefs.includes(name)) store.saveProfile({ ...p, secretRefs: p.secretRefs.filter((r) => r !== name) });
      emit({ type: 'workspace.changed' });
      return secretStatus(profileId, name);
    },
    exportConnections: async ({ groupIds }) => {
      const wanted = groupIds ? new Set(groupIds) : undefined;
      const groups = store.listGroups().filter((g) => !wanted || wanted.has(g.id));
      const profiles = store.listProfiles().filter((p) => !wanted || (p.groupId !== undefined && wanted.has(p.groupId)));
      return { json: exportConnections(groups, profiles), groups: groups.length, profiles: profiles.length };
    },
    importConnections: async ({ json }) => {
      const parsed = parseImport(json);
      for (const g of parsed.groups) store.saveGroup(g);
      const needSecrets: Array<{ profileId: string; name: string; secrets: SecretName[] }> = [];
      for (const { profile, secrets: given } of parsed.profiles) {
        const { createdAt: _c, updatedAt: _u, ...input } = profile;
        const filled = Object.keys(given) as SecretName[];
        for (const name of filled) await secrets.set(profileSecretAccount(profile.id, name), given[name] as string);
        const saved = store.saveProfile(input);
        const missing: SecretName[] = [];
        for (const ref of saved.secretRefs) if (!(await secrets.get(profileSecretAccount(saved.id, ref)))) missing.push(ref);
        if (missing.length) needSecrets.push({ profileId: saved.id, name: saved.name, secrets: missing });
      }
      emit({ type: 'workspace.changed' });
      return { groups: parsed.groups.length, profiles: parsed.profiles.length, needSecrets };
    },

    discover: async ({ issuer, profileId }) => {
      const profile = profileId ? effective(profileOrThrow(profileId)) : undefined;
      const transcript = new Transcript();
      const http = new HttpClient(await networkOf(profile), transcript);
      try {
        const metadata = await discover(http, issuer);
        // "Discover" always fetches; the next run then fetches too instead of trusting an older copy.
        discoveryCache.invalidate(issuer);
        return { metadata: metadata as ServerMetadata, transcript: transcript.entries };
      } finally {
        await http.close();
      }
    },
    getToken: async ({ runId, profileId, inputs }) => {
      const profile = effective(profileOrThrow(profileId));
      const given = Object.fromEntries(Object.entries(inputs ?? {}).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
      const config = await resolveFlowConfig(profile, stores(), { ...given, interactionTimeoutMs: options.interactionTimeoutMs });
      return withRun(runId, async (signal) => recordRun(runId, profile, await runFlow(config, flowDeps(runId, signal)).catch(withFailedTranscript)));
    },
    refresh: async ({ runId, profileId, historyId }) => refreshRun(runId, profileId, historyId),
    cancelRun: async ({ runId }) => {
      const run = runs.get(runId);
      run?.abort();
      return { cancelled: Boolean(run) };
    },

    inspectToken: async ({ profileId, historyId, token, kind }): Promise<TokenInspection> => {
      const decoded = decodeToken(token);
      if (!decoded.ok) throw new WorkbenchError(decoded.error.code, decoded.error.message);
      if (decoded.format === 'opaque') return { format: 'opaque' };
      if (decoded.format === 'jwe') return { format: 'jwe', header: decoded.header };
      const profile = profileId ? effective(profileOrThrow(profileId)) : undefined;
      const entry = historyId ? history.get(historyId) : undefined;
      const tokens = entry ? await history.tokens(entry.id) : undefined;
      const report = await verifyForInspection(token, kind, { profile, entry, tokens, network: await networkOf(profile) });
      return { format: 'jwt', header: decoded.header, payload: decoded.payload, report };
    },
    introspect: async ({ profileId, historyId, which }) => {
      const c = await tokenContext(profileId, historyId);
      const token = which === 'refresh' ? c.tokens.refresh_token : c.tokens.access_token;
      if (!token) throw new WorkbenchError('NOT_FOUND', `these tokens have no ${which} token`);
      const url = c.endpoint('introspection', 'introspection');
      const req = await introspectionRequest(c.ctx(url), c.auth(), token, { tokenTypeHint: hintOf(which) });
      try {
        const claims = processIntrospectionResponse(await c.http.send(req, { label: 'introspection' }));
        return { active: claims.active, claims, transcript: c.transcript.entries };
      } finally {
        await c.http.close();
      }
    },
    revoke: async ({ profileId, historyId, which }) => {
      const c = await tokenContext(profileId, historyId);
      const token = which === 'refresh' ? c.tokens.refresh_token : c.tokens.access_token;
      if (!token) throw new WorkbenchError('NOT_FOUND', `these tokens have no ${which} token`);
      const url = c.endpoint('revocation', 'revocation');
      const req = await revocationRequest(c.ctx(url), c.auth(), token, { tokenTypeHint: hintOf(which) });
      return send(c.http, c.transcript, req, 'revocation', 'authorization_server', processRevocationResponse);
    },
    userinfo: async ({ profileId, historyId }) => {
      const c = await tokenContext(profileId, historyId);
      const url = c.endpoint('userinfo', 'userinfo');
      // OIDC Core §5.3.2: the claims must be about the ID token's subject.
      const expectedSubject = c.tokens.id_token ? subjectOf(c.tokens.id_token) : undefined;
      const req = userinfoRequest(url, c.tokens.access_token, { scheme: /^dpop$/i.test(c.tokens.token_type) ? 'DPoP' : 'Bearer' });
      return send(c.http, c.transcript, req, 'userinfo', 'resource_server', (res) => void processUserinfoResponse(res, expectedSubject));
    },
    logout: async ({ profileId, historyId, postLogoutRedirectUri }) => {
      const c = await tokenContext(profileId, historyId);
      await c.http.close();
      const url = buildLogoutUrl({
        endSessionEndpoint: c.endpoint('end_session', 'end-session (logout)'),
        ...(c.tokens.id_token ? { idTokenHint: c.tokens.id_token } : {}),
        clientId: c.profile.clientId,
        ...(postLogoutRedirectUri ? { postLogoutRedirectUri } : {}),
      });
      // Built here, opened here: the renderer never hands main a URL to open.
      await options.openBrowser(url);
      return { url };
    },
    callApi: async ({ profileId, historyId, method, url, headers, body }): Promise<ApiCallResult> => {
      profileOrThrow(profileId);
      let entry = historyId ? history.get(historyId) : history.latest(profileId);
      if (!entry) throw new WorkbenchError('NOT_FOUND', 'no stored tokens for this profile — get a token first');
      let refreshed: HistoryEntry | undefined;
      if (entry.expiresAt && Date.parse(entry.expiresAt) <= Date.now() && entry.has.refresh) {
        const run = await refreshRun(`api-${randomUUID()}`, profileId, entry.id);
        refreshed = run.history;
        entry = history.get(run.history.id) as StoredHistoryEntry;
      }
      const tokens = await history.tokens(entry.id);
      if (!tokens) throw new WorkbenchError('NOT_FOUND', 'the tokens of this history entry were cleared from the keychain');
      const profile = effective(profileOrThrow(profileId));
      const transcript = new Transcript();
      const http = new HttpClient(await networkOf(profile), transcript);
      const h: Record<string, string> = {};
      for (const { name, value } of headers) h[name.toLowerCase()] = value;
      h.authorization ??= `${/^dpop$/i.test(tokens.token_type) ? 'DPoP' : 'Bearer'} ${tokens.access_token}`;
      const req: PreparedRequest = { method, url, headers: h, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}) };
      const result = await send(http, transcript, req, 'API request', 'resource_server');
      return { ...result, ...(refreshed ? { refreshed } : {}) };
    },

    listHistory: async ({ profileId }) => history.list(profileId).map(publicEntry),
    getHistoryTokens: async ({ historyId }) => {
      const tokens = await history.tokens(historyId);
      if (!tokens) throw new WorkbenchError('NOT_FOUND', 'these tokens are no longer stored');
      return tokens;
    },
    clearHistory: async ({ profileId }) => {
      const removed = await history.clear(profileId);
      emit({ type: 'history.changed', ...(profileId ? { profileId } : {}) });
      return { removed };
    },

    listKeys: async () => Promise.all((await keystoreOrThrow().list()).map(keyInfo)),
    generateKey: async ({ alias, alg, modulusLength }) => keyInfo(await keystoreOrThrow().generate({ alias, alg, ...(modulusLength ? { modulusLength } : {}) })),
    importKey: async ({ alias, encoding, data, passphrase, alg }) =>
      Promise.all(
        (await keystoreOrThrow().import({ data: decodeInput(encoding, data), ...(alias ? { alias } : {}), ...(passphrase ? { passphrase } : {}), ...(alg ? { alg } : {}) })).map(keyInfo),
      ),
    attachCertificate: async ({ alias, encoding, data }) => keyInfo(await keystoreOrThrow().attachCertificate(alias, decodeInput(encoding, data))),
    generateCertificate: async ({ alias, subject, validityDays }) =>
      keyInfo(await keystoreOrThrow().generateSelfSignedCertificate(alias, { subject, ...(validityDays ? { validityDays } : {}) })),
    exportKey: async ({ alias, format }) => {
      const ks = keystoreOrThrow();
      switch (format) {
        case 'jwk':
          return { text: `${JSON.stringify(await ks.exportPublicJwk(alias), null, 2)}\n`, filename: `${alias}.jwk.json` };
        case 'jwks':
          return { text: `${JSON.stringify({ keys: [await ks.exportPublicJwk(alias)] }, null, 2)}\n`, filename: `${alias}.jwks.json` };
        case 'pem':
          return { text: await ks.exportPublicPem(alias), filename: `${alias}.pub.pem` };
        case 'certificate':
          return { text: await ks.exportCertificatePem(alias), filename: `${alias}.crt.pem` };
      }
    },
    deleteKey: async ({ alias }) => {
      await keystoreOrThrow().delete(alias);
    },
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliverRedirect: (url) => broker.deliver(url),
    customRedirectSchemes() {
      const schemes = new Set<string>();
      for (const p of store.listProfiles()) {
        const url = p.redirect.mode === 'fixed' ? p.redirect.url : undefined;
        const m = url ? /^([a-z][a-z0-9+.-]*):/i.exec(url) : null;
        // Only private-use (reverse-domain) schemes: never claim http, https, file or another app's short scheme.
        if (m?.[1] && m[1].includes('.')) schemes.add(m[1].toLowerCase());
      }
      return [...schemes];
    },
    async close() {
      for (const run of runs.values()) run.abort();
      listeners.clear();
      // Runs keep connections alive between them; the app's exit ends them.
      await closeSharedConnections();
    },
  };
}

const hintOf = (which: 'access' | 'refresh') => (which === 'refresh' ? 'refresh_token' : 'access_token');

function subjectOf(jwt: string): string | undefined {
  const decoded = decodeToken(jwt);
  return decoded.ok && decoded.format === 'jws' && typeof decoded.payload.sub === 'string' ? decoded.payload.sub : undefined;
}

function publicEntry(e: StoredHistoryEntry): HistoryEntry {
  const { endpoints: _e, issuer: _i, nonce: _n, ...rest } = e;
  return rest;
}

/** Enough to tell two secrets apart, never enough to use one. */
/** A failed run's exchanges travel with its error (already redacted), so the exchange view can show why it failed. */
function withFailedTranscript(err: unknown): never {
  const transcript = transcriptOfFailure(err);
  if (!transcript?.length) throw err;
  const info = toErrorInfo(err);
  throw new WorkbenchError(info.code, info.message, { details: { ...info.details, transcript }, cause: err });
}

export function mask(value: string): string {
  if (value.length < 12) return '•'.repeat(8);
  return `${'•'.repeat(8)}${value.slice(-2)}`;
}

export type { ConnectionGroup };
