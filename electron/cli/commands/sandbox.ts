import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { WorkbenchError } from '../../../shared/errors';
import { parse } from '../args';
import type { CliContext } from '../context';

const HELP = `Usage: tokenbench sandbox [--port N] [--mtls-port N] [--password P] [--no-keystore]

Runs a real OpenID Connect / OAuth 2.0 authorization server (oidc-provider) on 127.0.0.1
with a client for every grant and client-authentication method, until Ctrl+C.
Its client secrets and the user's password are generated at each start.
The private_key_jwt client trusts the public keys of your keystore (tokenbench keys jwks),
so "--signing-key keystore:ALIAS" works against it; --no-keystore skips reading it.
`;

export async function sandboxCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parse(
    argv,
    { port: { type: 'string' }, 'mtls-port': { type: 'string' }, password: { type: 'string' }, 'no-keystore': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    false,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = portOf(values.port, '--port');
  const mtlsPort = portOf(values['mtls-port'], '--mtls-port');

  // The keystore is read live, on each token request: a key generated while the sandbox runs is trusted at once.
  let clientKeys: (() => Promise<JSONWebKeySet>) | undefined;
  let keyCount = 0;
  if (!values['no-keystore']) {
    try {
      const keystore = await ctx.keystore();
      keyCount = (await keystore.exportJwks()).keys.length;
      clientKeys = async () => (await keystore.exportJwks()) as unknown as JSONWebKeySet;
    } catch (err) {
      process.stderr.write(`(keystore not read: ${(err as Error).message})\n`);
    }
  }

  const { startSandbox } = await import('../../sandbox');
  const sandbox = await startSandbox({ port, mtlsPort, userPassword: values.password, ...(clientKeys ? { clientKeys } : {}) });

  // Public material and sandbox-only test credentials, so the flags below have files to point at.
  const dir = join(ctx.dataDir, 'sandbox');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caPath = join(dir, 'ca.pem');
  await writeFile(caPath, sandbox.caPem, { mode: 0o644 });
  const samlPath = join(dir, 'saml-assertion.xml');
  await writeFile(samlPath, sandbox.mintSamlAssertion({ subject: sandbox.user.username, notOnOrAfter: new Date(Date.now() + 3600_000) }), { mode: 0o600 });
  const tlsFiles: Record<string, { cert: string; key: string }> = {};
  for (const client of Object.values(sandbox.clients)) {
    if (!client.tls) continue;
    const cert = join(dir, `${client.client_id}.crt`);
    const key = join(dir, `${client.client_id}.key`);
    await writeFile(cert, client.tls.certPem, { mode: 0o644 });
    await writeFile(key, client.tls.keyPem, { mode: 0o600 });
    tlsFiles[client.client_id] = { cert, key };
  }

  const out: string[] = [];
  out.push(`Token Workbench sandbox authorization server`, '', `issuer:        ${sandbox.issuer}`, `mTLS aliases:  ${sandbox.mtlsOrigin} (CA: ${caPath})`);
  out.push(`user:          ${sandbox.user.username} / ${sandbox.user.password}`, '', 'clients:');
  for (const c of Object.values(sandbox.clients)) {
    out.push(`  ${c.client_id.padEnd(28)} ${c.token_endpoint_auth_method.padEnd(28)} ${c.client_secret ? `secret ${c.client_secret}` : ''}`);
  }
  out.push(`  ${sandbox.resourceServer.client_id.padEnd(28)} ${'introspection (Basic)'.padEnd(28)} secret ${sandbox.resourceServer.client_secret}`);
  const basic = Object.values(sandbox.clients).find((c) => c.token_endpoint_auth_method === 'client_secret_basic');
  out.push('', 'try:');
  if (basic?.client_secret)
    out.push(`  npx tokenbench token ${sandbox.issuer} --client-id ${basic.client_id} --client-secret ${basic.client_secret} --grant-type client_credentials --scopes api:read`);
  const pub = Object.values(sandbox.clients).find((c) => c.token_endpoint_auth_method === 'none');
  if (pub) out.push(`  npx tokenbench token ${sandbox.issuer} --client-id ${pub.client_id} --grant-type authorization_code --scopes openid,profile,offline_access`);
  for (const [id, f] of Object.entries(tlsFiles)) if (id !== 'sandbox-fapi' && sandbox.clients[id]?.token_endpoint_auth_method.includes('tls')) out.push(`  npx tokenbench token ${sandbox.issuer} --client-id ${id} --auth-method ${sandbox.clients[id]?.token_endpoint_auth_method} --tls-cert ${f.cert} --tls-key ${f.key} --tls-root-ca ${caPath}`);
  out.push(...modernCommands(sandbox, tlsFiles['sandbox-mtls-bound'], caPath));
  out.push(`  SAML 2.0 bearer assertion for ${sandbox.user.username} (valid 1 h): --grant-type saml2_bearer --assertion ${samlPath}`);
  // Authorization request features (issue 14): PAR, request objects, JARM, hybrid, FAPI 2.0.
  const code = `npx tokenbench token ${sandbox.issuer} --grant-type authorization_code --scopes openid`;
  const par = sandbox.clients['sandbox-par'];
  if (par?.client_secret) out.push(`  PAR (required):        ${code} --client-id ${par.client_id} --client-secret ${par.client_secret} --par`);
  if (sandbox.clients['sandbox-jar']) out.push(`  signed request object: ${code} --client-id sandbox-jar --signing-key keystore:ALIAS --request-object --par   (--encrypt-request-object to encrypt it)`);
  const jarm = sandbox.clients['sandbox-jarm'];
  if (jarm?.client_secret) out.push(`  JARM:                  ${code} --client-id ${jarm.client_id} --client-secret ${jarm.client_secret} --response-mode jwt`);
  const hybrid = sandbox.clients['sandbox-hybrid'];
  if (hybrid?.client_secret) out.push(`  hybrid:                ${code} --client-id ${hybrid.client_id} --client-secret ${hybrid.client_secret} --response-types "code id_token"`);
  const fapi = tlsFiles['sandbox-fapi'];
  if (fapi) out.push(`  FAPI 2.0:              ${code} --client-id sandbox-fapi --auth-method tls_client_auth --tls-cert ${fapi.cert} --tls-key ${fapi.key} --tls-root-ca ${caPath} --fapi2`);
  if (!clientKeys) out.push('', 'private_key_jwt: the client trusts only keys the sandbox generated (the keystore was not read).');
  else
    out.push(
      '',
      `private_key_jwt: the client trusts the keys of your keystore, read live (${keyCount} now; a key you generate while the sandbox runs is trusted at once): --signing-key keystore:ALIAS.`,
    );
  out.push('', 'Ctrl+C stops it.');
  process.stdout.write(`${out.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}

function portOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new WorkbenchError('INVALID_INPUT', `${flag} must be a port number`);
  return n;
}

/** Ready commands for DPoP, certificate-bound tokens, RAR, CIBA and registration (issue 14). */
function modernCommands(sandbox: import('../../sandbox').SandboxHandle, mtls: { cert: string; key: string } | undefined, caPath: string): string[] {
  const i = sandbox.issuer;
  const secret = (id: string) => sandbox.clients[id]?.client_secret ?? '';
  const api = '--resource https://api.sandbox.test --scopes api:read';
  const rar = `'[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"123.50"},"creditorName":"Merchant A"}]'`;
  return [
    `  npx tokenbench token ${i} --client-id sandbox-dpop --grant-type authorization_code --scopes openid,offline_access --dpop`,
    `  npx tokenbench token ${i} --client-id sandbox-dpop-nonce --client-secret ${secret('sandbox-dpop-nonce')} --grant-type client_credentials ${api} --dpop   # server demands a DPoP nonce`,
    ...(mtls
      ? [`  npx tokenbench token ${i} --client-id sandbox-mtls-bound --client-secret ${secret('sandbox-mtls-bound')} --tls-cert ${mtls.cert} --tls-key ${mtls.key} --tls-root-ca ${caPath} --certificate-bound-tokens --grant-type client_credentials ${api}`]
      : []),
    `  npx tokenbench token ${i} --client-id sandbox-rar --client-secret ${secret('sandbox-rar')} --grant-type client_credentials ${api} --rar ${rar}`,
    `  npx tokenbench token ${i} --client-id sandbox-ciba --client-secret ${secret('sandbox-ciba')} --grant-type ciba --scopes openid,profile --login-hint alice --binding-message W4SCT   # approve at ${sandbox.ciba.pageUrl}`,
    `  npx tokenbench register ${i} --initial-access-token ${sandbox.registration.initialAccessToken} --save my-registered-client`,
  ];
}
