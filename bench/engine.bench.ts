// (1) Engine cost per token against the sandbox on loopback, next to
// openid-client and the floor (undici + a freshly signed assertion, nothing
// else), and tokens/second with 16 requests in flight.
import { randomUUID, sign as cryptoSign, webcrypto, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { Agent, request } from 'undici';
import { resolveFlowConfig } from '../electron/app/run-profile';
import { signAssertion, type SigningKey } from '../electron/engine/assertion';
import { runFlow, type FlowConfig } from '../electron/engine/flow';
import { Keystore } from '../electron/keystore/keystore';
import { openSecretStore } from '../electron/secrets/open-secret-store';
import { ConnectionProfileSchema } from '../shared/profile';
import { alternate, flush, quick, ratioBar, record, type Contender } from './lib/measure';
import { startRemoteSandbox } from './support/sandbox';

const ROUNDS = quick ? 30 : 200;
const WARMUP = quick ? 10 : 40;
const CONCURRENCY = 16;
const BATCH = 96;

const dir = mkdtempSync(join(tmpdir(), 'tokenbench-bench-engine-'));
const secrets = openSecretStore({ dataDir: dir, service: `tokenbench-bench-${randomUUID()}` });
const keystore = new Keystore({ dataDir: dir, secrets });
await keystore.generate({ alias: 'bench-es256', alg: 'ES256' });
await keystore.generate({ alias: 'bench-rs256', alg: 'RS256' });
const clientJwks = { keys: [await keystore.exportPublicJwk('bench-es256'), await keystore.exportPublicJwk('bench-rs256')] };
const sandbox = await startRemoteSandbox(clientJwks as never);
const issuer = sandbox.issuer;

interface Method {
  label: string;
  clientId: string;
  alias?: string;
  alg?: 'ES256' | 'RS256';
}
const METHODS: Method[] = [
  { label: 'client_secret_basic', clientId: 'sandbox-basic' },
  { label: 'private_key_jwt ES256', clientId: 'sandbox-private-key-jwt', alias: 'bench-es256', alg: 'ES256' },
  { label: 'private_key_jwt RS256', clientId: 'sandbox-private-key-jwt', alias: 'bench-rs256', alg: 'RS256' },
];

const noBrowser = { openBrowser: async () => undefined };

/** The app's and CLI's path per "Get token": a FlowConfig resolved from a saved profile, then runFlow. */
async function engineConfig(m: Method): Promise<FlowConfig> {
  const profile = ConnectionProfileSchema.parse({
    id: `bench-${m.label}`,
    name: m.label,
    issuer,
    grantType: 'client_credentials',
    clientId: m.clientId,
    clientAuth: m.alias ? { method: 'private_key_jwt', keyAlias: m.alias, signingAlg: m.alg } : { method: 'client_secret_basic' },
  });
  return resolveFlowConfig(profile, { secrets, keystore }, m.alias ? {} : { clientSecret: sandbox.secrets[m.clientId] as string });
}

async function webCryptoKey(key: KeyObject, alg: 'ES256' | 'RS256'): Promise<webcrypto.CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const algorithm = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
}

/** openid-client as its documentation uses it: discovery once, then one grant call per token. */
async function openidClientConfig(m: Method, signing?: SigningKey): Promise<oidc.Configuration> {
  const auth = signing
    ? oidc.PrivateKeyJwt({ key: (await webCryptoKey(signing.key as KeyObject, m.alg as 'ES256' | 'RS256')) as never, ...(signing.kid ? { kid: signing.kid } : {}) })
    : oidc.ClientSecretBasic(sandbox.secrets[m.clientId] as string);
  return oidc.discovery(new URL(issuer), m.clientId, {}, auth, { execute: [oidc.allowInsecureRequests] });
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/**
 * The floor: the request prepared once, an assertion signed with node:crypto where needed, sent
 * with undici's one-call request() API (the engine uses dispatch() with its own handler).
 * `webCryptoKey` signs with WebCrypto instead, the primitive jose uses on Node 20: the same floor
 * with the engine's signing cost, to tell the engine's own overhead from the signature's.
 */
function floorSender(m: Method, tokenEndpoint: string, signing?: SigningKey, webCryptoKey?: webcrypto.CryptoKey): () => Promise<unknown> {
  const agent = new Agent();
  const url = new URL(tokenEndpoint);
  const baseHeaders: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (!signing) baseHeaders.authorization = `Basic ${Buffer.from(`${m.clientId}:${sandbox.secrets[m.clientId]}`).toString('base64')}`;
  const fixedBody = 'grant_type=client_credentials';
  const header = signing ? b64url(JSON.stringify({ alg: signing.alg, typ: 'JWT', kid: signing.kid })) : '';
  return async () => {
    let body = fixedBody;
    if (signing) {
      const now = Math.floor(Date.now() / 1000);
      const payload = b64url(JSON.stringify({ iss: m.clientId, sub: m.clientId, aud: tokenEndpoint, jti: randomUUID(), iat: now, exp: now + 60 }));
      const input = `${header}.${payload}`;
      const sig = webCryptoKey
        ? Buffer.from(await webcrypto.subtle.sign(signing.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : 'RSASSA-PKCS1-v1_5', webCryptoKey, Buffer.from(input)))
        : cryptoSign('sha256', Buffer.from(input), signing.alg === 'ES256' ? { key: signing.key as KeyObject, dsaEncoding: 'ieee-p1363' } : (signing.key as KeyObject));
      body += `&client_id=${m.clientId}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${input}.${b64url(sig)}`;
    }
    const res = await request(url, { method: 'POST', headers: baseHeaders, body, dispatcher: agent });
    const json = (await res.body.json()) as { access_token?: string };
    if (res.statusCode !== 200 || !json.access_token) throw new Error(`floor: HTTP ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
}

const tokenEndpoint = `${issuer}/token`;
process.stderr.write(`engine: sandbox at ${issuer} (pid ${sandbox.pid}), ${ROUNDS} rounds after ${WARMUP} warm-up rounds\n`);
const senders: Record<string, { engine: () => Promise<unknown>; openid: () => Promise<unknown>; floor: () => Promise<unknown> }> = {};

for (const m of METHODS) {
  const config = await engineConfig(m);
  const signing = config.inputs.signingKey;
  const oc = await openidClientConfig(m, signing);
  if (oc.serverMetadata().token_endpoint !== tokenEndpoint) throw new Error(`unexpected token endpoint ${oc.serverMetadata().token_endpoint}`);
  const engine = async () => {
    const r = await runFlow(config, noBrowser);
    if (!r.tokens.access_token) throw new Error('engine: no token');
  };
  const openid = async () => {
    const r = await oidc.clientCredentialsGrant(oc);
    if (!r.access_token) throw new Error('openid-client: no token');
  };
  const floor = floorSender(m, tokenEndpoint, signing);
  senders[m.label] = { engine, openid, floor };
  const contenders: Contender[] = [
    { name: 'engine', run: engine },
    { name: 'openid-client', run: openid },
    { name: 'floor', run: floor },
  ];
  if (signing) contenders.push({ name: 'floor-webcrypto', run: floorSender(m, tokenEndpoint, signing, await webCryptoKey(signing.key as KeyObject, m.alg as 'ES256' | 'RS256')) });
  const r = await alternate(contenders, { warmup: WARMUP, rounds: ROUNDS });
  const e = r.engine!;
  const o = r['openid-client']!;
  const f = r.floor!;
  const fw = r['floor-webcrypto'];
  record({ suite: 'engine', metric: `${m.label}: engine per token`, unit: 'ms', stats: e, versus: { name: 'openid-client', median: o.median }, bar: ratioBar(e.median, o.median, 1.0) });
  record({ suite: 'engine', metric: `${m.label}: engine per token`, unit: 'ms', stats: e, versus: { name: 'floor', median: f.median }, bar: ratioBar(e.median, f.median, 1.1) });
  if (fw) record({ suite: 'engine', metric: `${m.label}: engine per token`, unit: 'ms', stats: e, versus: { name: 'floor signing with WebCrypto', median: fw.median } });
  record({ suite: 'engine', metric: `${m.label}: openid-client per token`, unit: 'ms', stats: o });
  record({ suite: 'engine', metric: `${m.label}: floor (undici only) per token`, unit: 'ms', stats: f });
  if (fw) record({ suite: 'engine', metric: `${m.label}: floor signing with WebCrypto (jose's primitive on Node 20) per token`, unit: 'ms', stats: fw });
}

// What is left between the engine and the floor for private_key_jwt: signing the assertion. The
// engine signs with jose (WebCrypto, asynchronous on Node 20); the floor with node:crypto's
// synchronous sign(). Measured alone, same key, same claims, alternating.
for (const m of METHODS.filter((x) => x.alias)) {
  const signing = (await engineConfig(m)).inputs.signingKey as SigningKey;
  const header = b64url(JSON.stringify({ alg: signing.alg, typ: 'JWT', kid: signing.kid }));
  const claims = () => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: m.clientId, sub: m.clientId, aud: tokenEndpoint, jti: randomUUID(), iat: now, exp: now + 60 };
  };
  const r = await alternate(
    [
      { name: 'jose', run: () => signAssertion({ claims: { iss: m.clientId, sub: m.clientId, aud: tokenEndpoint, lifetimeSeconds: 60 } }, signing) },
      {
        name: 'node:crypto',
        run: async () => {
          const input = `${header}.${b64url(JSON.stringify(claims()))}`;
          return `${input}.${b64url(cryptoSign('sha256', Buffer.from(input), signing.alg === 'ES256' ? { key: signing.key as KeyObject, dsaEncoding: 'ieee-p1363' } : (signing.key as KeyObject)))}`;
        },
      },
    ],
    { warmup: WARMUP, rounds: ROUNDS },
  );
  const nodeSign = r['node:crypto']!;
  record({ suite: 'engine', metric: `${m.label}: assertion signed by the engine (jose, WebCrypto)`, unit: 'ms', stats: r.jose!, versus: { name: 'node:crypto sign (the floor)', median: nodeSign.median } });
  record({ suite: 'engine', metric: `${m.label}: assertion signed by the floor (node:crypto, synchronous)`, unit: 'ms', stats: nodeSign });
}

/** tokens/second: BATCH tokens, CONCURRENCY at a time. */
function throughput(send: () => Promise<unknown>): () => Promise<number> {
  return async () => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < BATCH) await send();
      }),
    );
    // Reported as ms per token so the harness's "duration" stays a time; converted below.
    return (performance.now() - t0) / BATCH;
  };
}

for (const m of METHODS) {
  const s = senders[m.label]!;
  const r = await alternate(
    [
      { name: 'engine', run: throughput(s.engine) },
      { name: 'openid-client', run: throughput(s.openid) },
      { name: 'floor', run: throughput(s.floor) },
    ],
    { warmup: 1, rounds: quick ? 3 : 10 },
  );
  const perSecond = (x: { median: number; min: number; max: number; n: number }) => ({ median: 1000 / x.median, min: 1000 / x.max, max: 1000 / x.min, n: x.n });
  const e = perSecond(r.engine!);
  const o = perSecond(r['openid-client']!);
  const f = perSecond(r.floor!);
  record({ suite: 'engine', metric: `${m.label}: engine, ${CONCURRENCY} concurrent`, unit: 'tokens/s', stats: e, versus: { name: 'openid-client', median: o.median }, note: `openid-client ${o.median.toFixed(0)}, floor ${f.median.toFixed(0)} tokens/s` });
}

flush();
await sandbox.close();
for (const alias of ['bench-es256', 'bench-rs256']) await keystore.delete(alias).catch(() => undefined);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
