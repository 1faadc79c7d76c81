import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { sameDistinguishedName, subjectOf } from './pki';

/** oidc-provider's features.mTLS hooks, reading the certificate straight off the TLS connection. */

function tlsSocket(ctx: KoaContextWithOIDC): TLSSocket | undefined {
  const socket = ctx.socket as Partial<TLSSocket>;
  return socket.encrypted && typeof socket.getPeerX509Certificate === 'function' ? (socket as TLSSocket) : undefined;
}

export function getCertificate(ctx: KoaContextWithOIDC): X509Certificate | undefined {
  return tlsSocket(ctx)?.getPeerX509Certificate();
}

/** True when the presented certificate chains to the sandbox CA (the listener's `ca`). */
export function certificateAuthorized(ctx: KoaContextWithOIDC): boolean {
  return tlsSocket(ctx)?.authorized === true;
}

export function certificateSubjectMatches(ctx: KoaContextWithOIDC, property: string, expected: string): boolean {
  const cert = getCertificate(ctx);
  if (!cert) return false;
  switch (property) {
    case 'tls_client_auth_subject_dn':
      return sameDistinguishedName(subjectOf(cert.raw), expected);
    case 'tls_client_auth_san_dns':
      return sanEntries(cert).includes(`DNS:${expected}`);
    case 'tls_client_auth_san_ip':
      return sanEntries(cert).includes(`IP Address:${expected}`);
    case 'tls_client_auth_san_email':
      return sanEntries(cert).includes(`email:${expected}`);
    case 'tls_client_auth_san_uri':
      return sanEntries(cert).includes(`URI:${expected}`);
    default:
      return false;
  }
}

function sanEntries(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ');
}
