import type { TokenBindingCheck } from './binding';
import type { CertificateInfo } from './keys';
import type { AuthorizationServerMetadata, TokenResponse } from './oauth';
import * as z from 'zod';
// The profile schemas are zod/mini ones (shared/profile.ts); they are derived with its functions.
import * as zm from 'zod/mini';
import type { Result } from './errors';
import { ASYMMETRIC_SIGNING_ALGS, AUTH_METHODS, GRANT_TYPES } from './grants';
import { OPERATION_NAMES, type OperationName } from './ipc-names';
import {
  ConnectionGroupSchema,
  ConnectionProfileSchema,
  ParamSchema,
  type ConnectionGroup,
  type ConnectionProfile,
} from './profile';
import type { ImportReviewField } from './import-trust';
import { PreferencesChangeSchema, type Preferences } from './preferences';
import type { VerificationReport } from './token/report';
import type { TranscriptEntry } from './transcript';

/**
 * The one IPC contract between the renderer and the application service:
 * every operation's argument schema (checked at runtime by whoever receives
 * it — Electron main or the browser-mode bridge) and its result type.
 * Main's handler table is `Handlers`, a mapped type over this table, so a
 * missing handler fails to compile; the preload and the HTTP client are
 * generated from OPERATION_NAMES, so neither can drift either.
 */

export { OPERATION_NAMES, type OperationName } from './ipc-names';

// ---------------------------------------------------------------------------
// Result types (renderer-safe: metadata, public keys, masked values — never a secret or private key)

export interface AppInfo {
  mode: 'electron' | 'web';
  version: string;
  dataDir: string;
  platform: string;
  /** Data integrity (issue 11): damaged data files moved aside at start or since; the UI shows them in a banner. */
  notices?: DataNotice[];
}

/** Data integrity (issue 11): a damaged data file (profiles, keystore metadata, vault, history) moved aside as a backup. */
export interface DataNotice {
  code: 'DATA_FILE_DAMAGED';
  /** The file as it was named. */
  file: string;
  /** Where it is now (timestamped, next to it). */
  backup: string;
  message: string;
  at: string;
}

export interface Workspace {
  groups: ConnectionGroup[];
  profiles: ConnectionProfile[];
}

// registrationAccessToken: RFC 7592, kept for a profile made by dynamic client registration (issue 14).
export const SECRET_NAMES = ['clientSecret', 'password', 'refreshToken', 'registrationAccessToken'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface SecretStatus {
  name: SecretName;
  set: boolean;
  /** e.g. "••••••3f" — enough to tell two secrets apart, never enough to use one. */
  masked?: string;
}

/** What discovery found. */
export type ServerMetadata = AuthorizationServerMetadata;

export interface DiscoverResult {
  metadata: ServerMetadata;
  transcript: TranscriptEntry[];
}

export type TokenSet = TokenResponse;

export interface HistoryEntry {
  id: string;
  profileId: string;
  profileName: string;
  grantType: string;
  obtainedAt: string;
  /** From expires_in (or the access token's exp). */
  expiresAt?: string;
  scope?: string;
  tokenType: string;
  has: { access: boolean; id: boolean; refresh: boolean };
  /** True while the tokens are still in the keychain. */
  stored: boolean;
  /** DPoP / mTLS binding of the access token, checked when it was obtained (issue 14). */
  bindings?: TokenBindingCheck[];
  /** The scopes the run asked for (the granted ones are `scope`). */
  requestedScopes?: string[];
  /** When each token was found revoked: after Revoke, or an introspection that answered active:false. */
  revoked?: { access?: string; refresh?: string };
  /** True when the run's redacted transcript is kept with the entry (getHistoryTranscript). */
  hasTranscript?: boolean;
  /** API calls made with this entry's tokens, oldest first (issue 12 item 6; the newest MAX kept). */
  apiCalls?: ApiCallRecord[];
}

/**
 * What History keeps of one API call (issue 12 item 6): what was called, how it ended and with which token —
 * never the token, a secret variable's value or a secret parameter (the URL is redacted like a transcript's).
 */
export interface ApiCallRecord {
  /** When it was sent. */
  at: string;
  method: string;
  url: string;
  /** The API's answer; absent when none came (then `error` says why). */
  status?: number;
  error?: string;
  durationMs?: number;
  token: 'access' | 'id';
  placement: 'header' | 'query';
  /** The saved request it ran. */
  requestName?: string;
  /** New tokens were obtained first (this entry holds them). */
  renewedBecause?: 'expired' | 'invalid_token';
}

export interface RunSummary {
  runId: string;
  profileId: string;
  grantType: string;
  obtainedAt: string;
  history: HistoryEntry;
  tokens: TokenSet;
  transcript: TranscriptEntry[];
}

/** Progress of a running flow, pushed on the event channel. */
export type RunProgress =
  | { kind: 'browser_opened'; url: string; /** PAR (issue 14): when the pushed request_uri expires. */ requestUriExpiresAt?: string }
  /** `authorizationUrl`: the sign-in page, shown with Copy / Open again while waiting. */
  | { kind: 'waiting_for_redirect'; redirectUri: string; expiresAt: string; authorizationUrl?: string }
  /** The browser could not be started; the run keeps waiting for the user to open `url` themselves. */
  | { kind: 'browser_failed'; url: string; message: string }
  | { kind: 'device_code'; userCode: string; verificationUri: string; verificationUriComplete?: string; expiresAt: string }
  | { kind: 'polling'; attempt: number; intervalSeconds?: number }
  // CIBA (issue 14): the request reached the user's device; show the binding message and a countdown.
  | { kind: 'ciba'; bindingMessage?: string; expiresAt: string; intervalSeconds: number };

export type WorkbenchEvent =
  | { type: 'run.progress'; runId: string; progress: RunProgress }
  | { type: 'history.changed'; profileId?: string }
  | { type: 'workspace.changed' };

export type TokenKind = 'access' | 'id' | 'refresh';

export interface TokenInspection {
  /** 'jwt' (JWS), 'jwe' (encrypted: header only) or 'opaque'. */
  format: 'jwt' | 'jwe' | 'opaque';
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  /** The inspector's verification report; absent for opaque tokens. */
  report?: VerificationReport;
}

export interface HttpCallResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
  transcript: TranscriptEntry[];
  /** Revocation: the client authentication used (issue 13), with a note when the endpoint's metadata chose it. */
  clientAuth?: EndpointClientAuth;
}

export interface IntrospectResult {
  active: boolean;
  claims: Record<string, unknown>;
  /** The token's cnf (from introspection) against the profile's DPoP key / client certificate (issue 14). */
  bindings?: TokenBindingCheck[];
  transcript: TranscriptEntry[];
  /** Interop settings (issue 13): the client authentication used, with a note when the endpoint's metadata chose it. */
  clientAuth?: EndpointClientAuth;
}

export interface EndpointClientAuth {
  method: string;
  note?: string;
}

export interface ApiCallResult extends HttpCallResult {
  /** Set when the access token had expired and was refreshed before the call. */
  refreshed?: HistoryEntry;
  /** Why new tokens were obtained: expired before the call, or the API answered 401 invalid_token. */
  renewedBecause?: 'expired' | 'invalid_token';
  /** How they were obtained: a refresh, or the grant run again (no refresh token). */
  renewedBy?: 'refresh' | 'rerun';
  /** The history entry whose token was sent. */
  historyId: string;
}

/** A certificate as the keystore describes it: public information only. */
export type CertificateSummary = CertificateInfo;

/** A keystore entry: metadata and the public key; the private key never leaves main. */
export interface KeyInfo {
  alias: string;
  keyType: 'RSA' | 'EC' | 'OKP';
  modulusLength?: number;
  curve?: string;
  alg: string;
  algorithms: string[];
  kid: string;
  source: string;
  createdAt: string;
  updatedAt?: string;
  publicJwk: Record<string, unknown>;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url). */
  thumbprint: string;
  certificate?: CertificateSummary;
  chain: CertificateSummary[];
}

/**
 * One page of the workspace in display order (groups by name, then their profiles by name, ungrouped
 * last), so the renderer paints the top of the list from the first page while the rest streams in.
 */
export interface WorkspacePage {
  /** Names the state of the store the pages come from; a later page from another snapshot means "start again". */
  snapshot: string;
  /** Every group (sorted), on the first page only. */
  groups?: ConnectionGroup[];
  profiles: ConnectionProfile[];
  total: number;
  /** Cursor of the next page; absent on the last one. */
  next?: number;
}

/** What the Inspector screen shows of a pasted token. */
export interface InspectorResult {
  /** The pasted token's own format. */
  format: 'jwt' | 'jwe' | 'opaque';
  /** The pasted token's header (a JWE's protected header). */
  header?: Record<string, unknown>;
  /** The claims: the JWT's, or those of the JWT nested in a decrypted JWE. */
  payload?: Record<string, unknown>;
  /** Set when a JWE was decrypted. */
  decrypted?: {
    header: Record<string, unknown>;
    plaintextBytes: number;
    /** What the plaintext is: a nested JWT (the usual case), a nested JWE, or other content. */
    nested: 'jwt' | 'jwe' | 'none';
    nestedHeader?: Record<string, unknown>;
    /** The plaintext itself when it is not a nested token (cut at 64 KiB). */
    plaintext?: string;
  };
  /** The verification report; absent when no key source was chosen or the token is opaque. */
  report?: VerificationReport;
}

export interface ExportedConnections {
  json: string;
  groups: number;
  profiles: number;
}

// Import trust (issue 11): an import is planned (previewImport), reviewed item by item, then applied
// (importConnections with the decisions). Nothing from a file is trusted with existing secrets or keys.

/** One difference between an existing group/profile and the file's version of it. */
export interface ImportChange {
  /** Path in the entry, e.g. "endpoints.token", "defaults.network.proxy", "clientAuth.keyAlias". */
  field: string;
  /** JSON of the value, absent when unset. */
  before?: string;
  after?: string;
  /** Changes where requests (and so secrets) go or how the server is authenticated: endpoint/issuer/redirect origin, proxy, CA, TLS verification. */
  destination: boolean;
  /** A key alias or what an assertion says: used only once confirmed. */
  signing: boolean;
}

export interface ImportPlanItem {
  kind: 'group' | 'profile';
  /** Position in the file's `groups` or `profiles` array. */
  index: number;
  /** The id the file gives it: what a decision names. */
  fileId: string;
  name: string;
  /** new: imported under a new id; conflict: an entry with this id exists (imported as new unless replaced); invalid: the file is refused. */
  status: 'new' | 'conflict' | 'invalid';
  reason?: string;
  /** conflict: the existing entry with the file's id. */
  existing?: { id: string; name: string };
  /** conflict: what replacing would change. */
  changes: ImportChange[];
  /** conflict: existing profiles whose requests replacing would send elsewhere: their stored secrets and tokens are cleared, to be entered again. */
  clearsSecretsOf: Array<{ profileId: string; name: string }>;
  /** Fields (key aliases, assertion claims) that wait for the user's confirmation before any use. */
  needsConfirmation: string[];
  /** Imported as new under this name (the file's name is taken there). */
  importedAs?: string;
  /** Secrets the file fills in (never written over a stored one). */
  fileSecrets: SecretName[];
  notes: string[];
  /** Identifies this item's plan: a replace decision echoes it, and a plan gone stale is refused. */
  digest: string;
}

export interface ImportPlan {
  /** False when the file as a whole or any item is invalid: importing it would change nothing and fail. */
  valid: boolean;
  /** Problems with the whole file (not JSON, wrong format, too many entries). */
  problems: string[];
  groups: ImportPlanItem[];
  profiles: ImportPlanItem[];
}

export interface ImportDecision {
  kind: 'group' | 'profile';
  fileId: string;
  /** new (the default for every item not named): a new id; replace: only for a conflict, with its digest; skip: not imported. */
  action: 'new' | 'replace' | 'skip';
  digest?: string;
}

/** A registration response with its secrets masked (they are in the keychain), and the exchanges (issue 14). */
export interface RegistrationResult {
  profile?: ConnectionProfile;
  /** Absent after a delete. */
  response?: Record<string, unknown>;
  transcript: TranscriptEntry[];
}

export interface ImportReport {
  groups: number;
  profiles: number;
  /** Profiles whose placeholders need real secrets before they can run. */
  needSecrets: Array<{ profileId: string; name: string; secrets: SecretName[] }>;
  created: Array<{ kind: 'group' | 'profile'; id: string; name: string; fileId: string }>;
  replaced: Array<{ kind: 'group' | 'profile'; id: string; name: string }>;
  skipped: Array<{ kind: 'group' | 'profile'; fileId: string; name: string }>;
  /** Existing profiles whose requests now go elsewhere: their secrets and stored tokens were cleared. */
  clearedSecrets: Array<{ profileId: string; name: string; because: string[] }>;
  /** Profiles whose key aliases / claims wait for confirmation before any use. */
  awaitingConfirmation: Array<{ profileId: string; name: string; fields: string[] }>;
}

/** What confirming an imported profile confirms: shown first, then echoed by its digest. */
export interface ImportReview {
  profileId: string;
  name: string;
  pending: boolean;
  importedAt?: string;
  source?: string;
  fields: ImportReviewField[];
  digest: string;
}

// --- Environments, presets, importers, command exports (issue 13 §2–§4) ---------------------------
export interface SecretVariableStatus {
  name: string;
  set: boolean;
  masked?: string;
}

export interface PresetSummary {
  id: string;
  name: string;
  docs: readonly string[];
  inputs: ReadonlyArray<{ name: string; label: string; required?: boolean; default?: string; choices?: readonly string[]; help?: string }>;
}

export const IMPORT_FORMATS = ['postman', 'insomnia', 'bruno', 'curl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ConvertedImport {
  format: ImportFormat;
  /** A Token Workbench connections document: hand it to importConnections (the normal import path). */
  json: string;
  groups: number;
  profiles: number;
  /** What could not be mapped, one line each ("Request 'x': auth type awsv4 is not OAuth"). */
  unmapped: string[];
  /** Secrets found in the file: left out, to be set after the import. */
  needsSecret: Array<{ profile: string; secret: string }>;
}

export const COMMAND_KINDS = ['tokenbench', 'oauth2c', 'curl'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

export interface ExportedCommand {
  text: string;
  /** Environment variables the command expects (CLIENT_SECRET, …). Empty when real values were asked for. */
  env: string[];
  notes: string[];
}
// ------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Argument schemas

const Id = z.string().min(1).max(100);
const Empty = z.object({}).strict();
const ProfileRef = z.object({ profileId: Id }).strict();
const HistoryRef = z.object({ profileId: Id, historyId: Id.optional() }).strict();
const RunId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'run id must be 8–64 URL-safe characters');
const Alias = z.string().trim().min(1).max(200);
const VariableName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (up to 100)');

/** A profile as the renderer edits it: the store fills timestamps (and an id when new). */
export const ProfileDraftSchema = zm.extend(zm.omit(ConnectionProfileSchema, { createdAt: true, updatedAt: true }), { id: Id.optional() });
export const GroupDraftSchema = zm.extend(ConnectionGroupSchema, { id: Id.optional() });

// Import trust (issue 11)
const ImportJson = z.string().min(2).max(50 * 1024 * 1024);
const ImportSource = z.string().max(1024).optional();
const ImportDecisionSchema = z
  .object({ kind: z.enum(['group', 'profile']), fileId: z.string().min(1).max(100), action: z.enum(['new', 'replace', 'skip']), digest: z.string().max(128).optional() })
  .strict();

function op<A extends z.core.$ZodType>(arg: A) {
  return { returns: <R>() => ({ arg, result: undefined as unknown as R }) };
}

export const operations = {
  appInfo: op(Empty).returns<AppInfo>(),
  // The workbench's own preferences (the theme), kept by the engine (shared/preferences.ts)
  getPreferences: op(Empty).returns<Preferences>(),
  setPreferences: op(PreferencesChangeSchema).returns<Preferences>(),

  listWorkspace: op(Empty).returns<Workspace>(),
  saveGroup: op(GroupDraftSchema).returns<ConnectionGroup>(),
  deleteGroup: op(z.object({ groupId: Id }).strict()).returns<void>(),
  saveProfile: op(ProfileDraftSchema).returns<ConnectionProfile>(),
  deleteProfile: op(ProfileRef).returns<void>(),
  duplicateProfile: op(ProfileRef).returns<ConnectionProfile>(),
  moveProfile: op(z.object({ profileId: Id, groupId: Id.nullable() }).strict()).returns<ConnectionProfile>(),
  getProfileSecrets: op(ProfileRef).returns<SecretStatus[]>(),
  setProfileSecret: op(z.object({ profileId: Id, name: z.enum(SECRET_NAMES), value: z.string().min(1).max(16_384) }).strict()).returns<SecretStatus>(),
  clearProfileSecret: op(z.object({ profileId: Id, name: z.enum(SECRET_NAMES) }).strict()).returns<SecretStatus>(),
  exportConnections: op(z.object({ groupIds: z.array(Id).max(1000).optional() }).strict()).returns<ExportedConnections>(),
  // Import trust (issue 11): plan, then apply with per-item decisions; confirm imported key aliases and claims.
  previewImport: op(z.object({ json: ImportJson, source: ImportSource }).strict()).returns<ImportPlan>(),
  importConnections: op(z.object({ json: ImportJson, source: ImportSource, decisions: z.array(ImportDecisionSchema).max(110_000).default([]) }).strict()).returns<ImportReport>(),
  getImportReview: op(ProfileRef).returns<ImportReview>(),
  confirmImportedProfile: op(z.object({ profileId: Id, digest: z.string().min(1).max(128) }).strict()).returns<ConnectionProfile>(),

  // The issuer may hold {{variables}} (environments): main fills them from the profile's environment, then checks the URL.
  discover: op(z.object({ issuer: z.string().trim().min(1).max(2048).refine((v) => /\{\{/.test(v) || URL.canParse(v), 'must be a URL'), profileId: Id.optional() }).strict()).returns<DiscoverResult>(),
  getToken: op(
    z
      .object({
        runId: RunId,
        profileId: Id,
        /** Per-run inputs never stored with the profile (token exchange, pasted assertions). */
        inputs: z
          .object({
            subjectToken: z.string().max(256 * 1024).optional(),
            actorToken: z.string().max(256 * 1024).optional(),
            assertion: z.string().max(256 * 1024).optional(),
            samlAssertionXml: z.string().max(1024 * 1024).optional(),
            /** OIDC id_token_hint (issue 14): a compact JWS or JWE, for this run's authorization request only. */
            idTokenHint: z
              .string()
              .max(64 * 1024)
              .refine((v) => v.trim() === '' || /^[\w-]+(\.[\w-]*){2}$|^[\w-]+(\.[\w-]*){4}$/.test(v.trim()), 'id_token_hint must be a JWT')
              .optional(),
          })
          .strict()
          .optional(),
        /** The form as it is (unsaved edits): run with it instead of the saved profile; nothing is written. */
        draft: zm.optional(ProfileDraftSchema),
        /** Secrets typed for this run, used instead of the keychain's and never stored. */
        secrets: z
          .object({ clientSecret: z.string().min(1).max(16_384).optional(), password: z.string().min(1).max(16_384).optional(), refreshToken: z.string().min(1).max(16_384).optional() })
          .strict()
          .optional(),
      })
      .strict(),
  ).returns<RunSummary>(),
  refresh: op(z.object({ runId: RunId, profileId: Id, historyId: Id.optional() }).strict()).returns<RunSummary>(),
  cancelRun: op(z.object({ runId: RunId }).strict()).returns<{ cancelled: boolean }>(),

  // Up to the decoder's own limit (MAX_TOKEN_LENGTH in token/decode, not imported: it would pull jose into the preload).
  inspectToken: op(
    z
      .object({
        profileId: Id.optional(),
        historyId: Id.optional(),
        token: z.string().min(1).max(1024 * 1024),
        kind: z.enum(['access', 'id', 'refresh']),
        /** Expected `aud` of a JWT access token; default: the profile's expected audience, audience or first resource; '' checks none. */
        audience: z.string().trim().max(2048).optional(),
      })
      .strict(),
  ).returns<TokenInspection>(),
  introspect: op(HistoryRef.extend({ which: z.enum(['access', 'refresh']) }).strict()).returns<IntrospectResult>(),
  revoke: op(HistoryRef.extend({ which: z.enum(['access', 'refresh']) }).strict()).returns<HttpCallResult>(),
  userinfo: op(HistoryRef).returns<HttpCallResult>(),
  logout: op(HistoryRef.extend({ postLogoutRedirectUri: z.string().url().max(2048).optional() }).strict()).returns<{ url: string }>(),
  callApi: op(
    z
      .object({
        profileId: Id,
        historyId: Id.optional(),
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']),
        // May hold {{variables}} (environments): filled and checked in main.
        url: z.string().trim().min(1).max(8192).refine((v) => /\{\{/.test(v) || URL.canParse(v), 'must be a URL'),
        headers: z.array(ParamSchema).max(100).default([]),
        body: z.string().max(5 * 1024 * 1024).optional(),
        /** Which token to send and where (a saved request's settings). */
        token: z.enum(['access', 'id']).default('access'),
        placement: z.enum(['header', 'query']).default('header'),
        queryParam: z.string().trim().min(1).max(256).optional(),
        /** The saved request this call runs, named in the transcript. */
        requestName: z.string().trim().max(200).optional(),
      })
      .strict(),
  ).returns<ApiCallResult>(),

  listHistory: op(z.object({ profileId: Id.optional() }).strict()).returns<HistoryEntry[]>(),
  getHistoryTokens: op(z.object({ historyId: Id }).strict()).returns<TokenSet>(),
  clearHistory: op(z.object({ profileId: Id.optional() }).strict()).returns<{ removed: number }>(),

  listKeys: op(Empty).returns<KeyInfo[]>(),
  generateKey: op(
    z.object({ alias: Alias, alg: z.enum(ASYMMETRIC_SIGNING_ALGS), modulusLength: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).optional() }).strict(),
  ).returns<KeyInfo>(),
  importKey: op(
    z
      .object({
        alias: Alias.optional(),
        /** 'text' for PEM / JWK / JWKS, 'base64' for binary files (DER, PKCS#12). */
        encoding: z.enum(['text', 'base64']),
        data: z.string().min(1).max(1024 * 1024),
        passphrase: z.string().max(1024).optional(),
        alg: z.enum(ASYMMETRIC_SIGNING_ALGS).optional(),
      })
      .strict(),
  ).returns<KeyInfo[]>(),
  attachCertificate: op(z.object({ alias: Alias, encoding: z.enum(['text', 'base64']), data: z.string().min(1).max(1024 * 1024) }).strict()).returns<KeyInfo>(),
  generateCertificate: op(z.object({ alias: Alias, subject: z.string().trim().min(3).max(1024), validityDays: z.number().int().min(1).max(3650).optional() }).strict()).returns<KeyInfo>(),
  /** Public material only: JWK, a one-key JWKS, the SPKI PEM or the certificate chain PEM. */
  exportKey: op(z.object({ alias: Alias, format: z.enum(['jwk', 'jwks', 'pem', 'certificate']) }).strict()).returns<{ text: string; filename: string }>(),
  deleteKey: op(z.object({ alias: Alias }).strict()).returns<void>(),

  // Environments and variables (issue 13 §3): values of secret variables, in the keychain only.
  getEnvironmentSecrets: op(z.object({ groupId: Id, envId: Id }).strict()).returns<SecretVariableStatus[]>(),
  setEnvironmentSecret: op(z.object({ groupId: Id, envId: Id, name: VariableName, value: z.string().min(1).max(16_384) }).strict()).returns<SecretVariableStatus>(),
  clearEnvironmentSecret: op(z.object({ groupId: Id, envId: Id, name: VariableName }).strict()).returns<SecretVariableStatus>(),
  // Provider presets (issue 13 §2)
  listPresets: op(Empty).returns<PresetSummary[]>(),
  profileFromPreset: op(
    z
      .object({
        presetId: z.string().min(1).max(50),
        name: z.string().trim().min(1).max(200),
        groupId: Id.optional(),
        inputs: z.record(z.string().max(100), z.string().max(2048)),
      })
      .strict(),
  ).returns<{ profile: ConnectionProfile; notes: string[] }>(),
  // Importers (issue 13 §4): a foreign file becomes a connections document; importConnections takes it from there.
  convertImport: op(
    z
      .object({
        format: z.enum(IMPORT_FORMATS).optional(),
        files: z.array(z.object({ name: z.string().max(1024), text: z.string().max(20 * 1024 * 1024) }).strict()).min(1).max(5000),
      })
      .strict(),
  ).returns<ConvertedImport>(),
  // Exports as commands (issue 13 §4, issue 12 item 12); real secret values only when asked for.
  exportCommand: op(z.object({ profileId: Id, kind: z.enum(COMMAND_KINDS), revealSecrets: z.boolean().default(false) }).strict()).returns<ExportedCommand>(),
  // Inspector (issue 12): decode any JWT/JWE, verify it against the key source the user picks, decrypt a JWE
  // with a keystore key (the private key stays in main).
  inspectorInspect: op(
    z
      .object({
        token: z.string().trim().min(1).max(1024 * 1024),
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('none') }).strict(),
          z.object({ kind: z.literal('issuer'), issuer: z.string().trim().url().max(2048) }).strict(),
          z.object({ kind: z.literal('jwksUrl'), url: z.string().trim().url().max(8192) }).strict(),
          z.object({ kind: z.literal('jwks'), jwks: z.string().min(2).max(1024 * 1024) }).strict(),
          z.object({ kind: z.literal('keystore'), alias: Alias }).strict(),
          z.object({ kind: z.literal('secret'), secret: z.string().min(1).max(16_384) }).strict(),
        ]),
        /** Expected values; empty = not checked. */
        expectedIssuer: z.string().trim().max(2048).optional(),
        expectedAudience: z.string().trim().max(2048).optional(),
        /** Which rules apply: an ID token's (OIDC Core), a JWT access token's (RFC 9068), or only the generic ones. */
        tokenKind: z.enum(['any', 'id', 'access']).default('any'),
        /** A keystore key to decrypt a JWE with. */
        decryptWith: Alias.optional(),
      })
      .strict(),
  ).returns<InspectorResult>(),

  // Workspace streaming (issue 12): the workspace in pages, in display order.
  listWorkspacePage: op(
    z.object({ cursor: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10_000).default(1000), snapshot: z.string().max(100).optional() }).strict(),
  ).returns<WorkspacePage>(),
  // Interop settings (issue 13): the kid servers look the key up by; `reset` goes back to the RFC 7638 thumbprint.
  setKeyKid: op(
    z
      .union([
        z.object({ alias: Alias, kid: z.string().min(1, 'kid must not be empty').max(256, 'kid must be at most 256 characters') }).strict(),
        z.object({ alias: Alias, reset: z.literal(true) }).strict(),
      ]),
  ).returns<KeyInfo>(),
  // --- Dynamic client registration (issue 14): register and save as a profile; read / update / delete later ---
  registerClient: op(
    z
      .object({
        issuer: z.string().trim().url().max(2048).optional(),
        registrationEndpoint: z.string().trim().url().max(2048).optional(),
        initialAccessToken: z.string().min(1).max(16_384).optional(),
        grantTypes: z.array(z.enum(GRANT_TYPES)).max(20).optional(),
        authMethod: z.enum(AUTH_METHODS).optional(),
        redirectUrl: z.string().trim().min(1).max(2048).optional(),
        keyAlias: Alias.optional(),
        jwksUri: z.string().trim().url().max(2048).optional(),
        clientName: z.string().trim().min(1).max(200).optional(),
        scopes: z.array(z.string().min(1).max(512)).max(200).optional(),
        profileName: z.string().trim().min(1).max(200),
        groupId: Id.optional(),
      })
      .strict(),
  ).returns<RegistrationResult>(),
  manageRegistration: op(
    z.object({ profileId: Id, operation: z.enum(['read', 'update', 'delete']), metadata: z.record(z.string(), z.unknown()).optional() }).strict(),
  ).returns<RegistrationResult>(),
  // UI session (issue 12)
  /** Opens the sign-in page of a running flow again (main keeps the URL: the renderer never hands main a URL to open). */
  openRunUrl: op(z.object({ runId: RunId }).strict()).returns<{ url: string }>(),
  /** The redacted exchanges of a history entry's run (and API calls made with its tokens), when kept. */
  getHistoryTranscript: op(z.object({ historyId: Id }).strict()).returns<TranscriptEntry[]>(),
} satisfies Record<OperationName, { arg: z.core.$ZodType; result: unknown }>;

// A key in `operations` that is not in OPERATION_NAMES fails here (the `satisfies` above catches the reverse).
type _NoExtraOperations = Exclude<keyof typeof operations, OperationName> extends never ? true : never;
const _noExtra: _NoExtraOperations = true;
void _noExtra;

export type Operations = typeof operations;
/** What the caller passes (defaults not yet applied). */
export type OperationArg<N extends OperationName> = z.input<Operations[N]['arg']>;
/** What a handler receives: validated, defaults applied. */
export type ParsedArg<N extends OperationName> = z.output<Operations[N]['arg']>;
export type OperationResult<N extends OperationName> = Operations[N]['result'];

/** The renderer's view of the service, identical whatever the transport. */
export type WorkbenchApi = { [N in OperationName]: (arg: OperationArg<N>) => Promise<Result<OperationResult<N>>> };

/** What the preload exposes as `window.tokenbench`. */
export interface PreloadBridge extends WorkbenchApi {
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
}

/** Parses an argument against its operation's schema. */
export function parseArg<N extends OperationName>(name: N, arg: unknown): z.ZodSafeParseResult<ParsedArg<N>> {
  return z.safeParse(operations[name].arg, arg) as z.ZodSafeParseResult<ParsedArg<N>>;
}

export function isOperationName(name: string): name is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(name);
}

/** Re-exported so the renderer can offer the same choices the schema accepts. */
export { ASYMMETRIC_SIGNING_ALGS, AUTH_METHODS, GRANT_TYPES };
