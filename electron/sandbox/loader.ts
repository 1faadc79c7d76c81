import type * as OidcProviderModule from 'oidc-provider';

type OidcProviderExports = typeof OidcProviderModule;
let loaded: OidcProviderExports | undefined;

/**
 * Loads oidc-provider on first use. It prints an "unsupported runtime" warning
 * at import time on Node 20, which it runs on fine; that one line is muted
 * here and nothing else is.
 */
export async function loadOidcProvider(): Promise<OidcProviderExports> {
  if (loaded) return loaded;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime')) return;
    warn.apply(console, args);
  };
  try {
    loaded = await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
  return loaded;
}

/** oidc-provider's error classes; only valid once `loadOidcProvider` has run (grant handlers run after it). */
export function oidcErrors(): OidcProviderExports['errors'] {
  if (!loaded) throw new Error('oidc-provider is not loaded yet');
  return loaded.errors;
}
