export { startSandbox } from './provider';
export type { MintSamlOptions, SandboxClient, SandboxHandle, SandboxOptions, SandboxSigningKey, TrustedIssuer } from './types';
