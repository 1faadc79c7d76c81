import { describe, expect, it } from 'vitest';
import { basicEncodingsDiffer, ClientSecretBasic, ClientSecretPost, formUrlEncode, type ClientAuthContext } from '../../electron/engine/client-auth';
import { Transcript } from '../../electron/engine/transcript';

// In-process checks of the Basic credentials encoding (RFC 6749 §2.3.1) byte for byte. The sandbox tests
// (interop-settings, ensure-client-secret-basic-encodes-special-characters) prove a real server accepts them;
// these pin every character class, fast enough for the mutation run.

const decodeBasic = (header: string | undefined) => {
  expect(header).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
  return Buffer.from(header!.slice('Basic '.length), 'base64').toString('utf8');
};

async function basicHeader(clientId: string, secret: string, encoding?: 'form' | 'raw', transcript?: Transcript) {
  const headers: Record<string, string> = {};
  const body = new URLSearchParams();
  const ctx: ClientAuthContext = { clientId, endpoint: 'https://as.example/token', ...(transcript ? { transcript } : {}) };
  await ClientSecretBasic(secret, encoding)(ctx, body, headers);
  expect(body.toString(), 'Basic puts nothing in the body').toBe('');
  return headers.authorization;
}

describe('formUrlEncode (application/x-www-form-urlencoded, as oauth4webapi does it)', () => {
  it.each([
    ['plain09AZ', 'plain09AZ'],
    ['a-b', 'a%2Db'],
    ['a_b', 'a%5Fb'],
    ['a.b', 'a%2Eb'],
    ['a!b', 'a%21b'],
    ['a~b', 'a%7Eb'],
    ['a*b', 'a%2Ab'],
    ["a'b", 'a%27b'],
    ['a(b)', 'a%28b%29'],
    ['a b', 'a+b'],
    ['a+b', 'a%2Bb'],
    ['a:b', 'a%3Ab'],
    ['a%b', 'a%25b'],
    ['a/b=c&d', 'a%2Fb%3Dc%26d'],
    ['é', '%C3%A9'],
  ])('%s → %s', (input, encoded) => expect(formUrlEncode(input)).toBe(encoded));
});

describe('ClientSecretBasic', () => {
  it('form encoding (the default): id and secret form-urlencoded before base64', async () => {
    expect(decodeBasic(await basicHeader('my-client.id', 's3cr3t +/:'))).toBe('my%2Dclient%2Eid:s3cr3t+%2B%2F%3A');
    expect(decodeBasic(await basicHeader('my-client.id', 's3cr3t +/:', 'form'))).toBe('my%2Dclient%2Eid:s3cr3t+%2B%2F%3A');
  });

  it('raw encoding sends id and secret as they are', async () => {
    expect(decodeBasic(await basicHeader('my-client.id', 's3cr3t +/:', 'raw'))).toBe('my-client.id:s3cr3t +/:');
  });

  it('ensure-raw-basic-with-a-colon-in-the-client-id-fails', async () => {
    await expect(basicHeader('a:b', 'secret', 'raw')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/":".*basic encoding "form"/) });
    // form encoding escapes the colon, so the same id is fine there
    expect(decodeBasic(await basicHeader('a:b', 'secret'))).toBe('a%3Ab:secret');
  });

  it('registers the secret and the encoded credentials with the transcript, which hides both', async () => {
    const transcript = new Transcript();
    const header = await basicHeader('client-1', 'hunter2-secret', 'form', transcript);
    const credentials = header!.slice('Basic '.length);
    transcript.event('echo', 'workbench', 'authorization_server', `sent ${credentials} for hunter2-secret`);
    const [entry] = transcript.entries;
    expect(JSON.stringify(entry)).not.toContain(credentials);
    expect(JSON.stringify(entry)).not.toContain('hunter2-secret');
  });
});

describe('basicEncodingsDiffer (names the setting when a Basic request fails)', () => {
  it.each([
    ['client', 'secret', false],
    ['Client09', 'SECRET99', false],
    ['my-client', 'secret', true],
    ['client', 'se.cret', true],
    ['client', 'se cret', true],
    ['cli_ent', 'secret', true],
  ] as const)('%s / %s → %s', (id, secret, differ) => expect(basicEncodingsDiffer(id, secret)).toBe(differ));
});

describe('ClientSecretPost', () => {
  it('puts id and secret in the form body, no Authorization header, and registers the secret', async () => {
    const transcript = new Transcript();
    const headers: Record<string, string> = {};
    const body = new URLSearchParams();
    await ClientSecretPost('hunter2-secret')({ clientId: 'c-1', endpoint: 'https://as.example/token', transcript }, body, headers);
    expect(Object.fromEntries(body)).toEqual({ client_id: 'c-1', client_secret: 'hunter2-secret' });
    expect(headers).toEqual({});
    transcript.event('echo', 'workbench', 'authorization_server', 'hunter2-secret');
    expect(JSON.stringify(transcript.entries)).not.toContain('hunter2-secret');
  });
});
