/**
 * The names of every operation the renderer can ask for, as plain data.
 * Kept apart from shared/ipc.ts so the sandboxed preload can enumerate the
 * operations without bundling zod; shared/ipc.ts checks at compile time
 * that its schema table has exactly these keys.
 */
export const OPERATION_NAMES = [
  'appInfo',
  'getPreferences',
  'setPreferences',
  // Groups and profiles
  'listWorkspace',
  'saveGroup',
  'deleteGroup',
  'saveProfile',
  'deleteProfile',
  'duplicateProfile',
  'moveProfile',
  'getProfileSecrets',
  'setProfileSecret',
  'clearProfileSecret',
  'exportConnections',
  'importConnections',
  // Import trust (issue 11)
  'previewImport',
  'getImportReview',
  'confirmImportedProfile',
  // Server and flows
  'discover',
  'getToken',
  'refresh',
  'cancelRun',
  // Tokens
  'inspectToken',
  'introspect',
  'revoke',
  'userinfo',
  'logout',
  'callApi',
  // History
  'listHistory',
  'getHistoryTokens',
  'clearHistory',
  // Keystore
  'listKeys',
  'generateKey',
  'importKey',
  'attachCertificate',
  'generateCertificate',
  'exportKey',
  'deleteKey',
  // Environments and variables (issue 13 §3): secret variable values in the keychain
  'getEnvironmentSecrets',
  'setEnvironmentSecret',
  'clearEnvironmentSecret',
  // Provider presets and importers (issue 13 §2, §4)
  'listPresets',
  'profileFromPreset',
  'convertImport',
  // Exports as commands (issue 13 §4, issue 12 item 12)
  'exportCommand',
  // Inspector (issue 12): any pasted JWT or JWE, verified against a chosen key source, decrypted with a keystore key
  'inspectorInspect',
  // Workspace streaming (issue 12): the sidebar paints the first page of 10,000 profiles at once
  'listWorkspacePage',
  // Interop settings (issue 13): a key's kid, edited or reset to its thumbprint
  'setKeyKid',
  // Dynamic client registration (issue 14, RFC 7591/7592)
  'registerClient',
  'manageRegistration',
  // UI session (issue 12): reopen a run's sign-in page, a history entry's transcript
  'openRunUrl',
  'getHistoryTranscript',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

/** IPC channel of an operation (Electron) — one per operation so main can register exactly the contract. */
export const channelOf = (name: OperationName): string => `tokenbench:${name}`;
/** The one channel main pushes events on. */
export const EVENT_CHANNEL = 'tokenbench:event';
