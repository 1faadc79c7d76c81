import { describe, expect, it } from 'vitest';
import { Transcript } from '../../electron/engine/transcript';
import type { HttpExchange } from '../../shared/transcript';

const last = (t: Transcript) => t.entries.at(-1) as HttpExchange;

describe('Transcript redaction', () => {
  const record = (t: Transcript, body: string, headers: Record<string, string> = {}) => {
    t.recordHttp({
      label: 'token request',
      startedAt: new Date(),
      durationMs: 1,
      request: { method: 'POST', url: 'https://as.example/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: 'AT-123456', refresh_token: 'RT-123456', token_type: 'Bearer' }) },
    });
    return last(t);
  };

  it('hides secrets, passwords and assertion signatures; keeps tokens unless asked', () => {
    const t = new Transcript();
    const e = record(t, 'grant_type=password&username=alice&password=hunter2&client_secret=s3cr3t&client_assertion=aaa.bbb.ccc', { authorization: 'Basic YWJjOmRlZg==' });
    expect(e.request.body).toBe('grant_type=password&username=alice&password=[redacted]&client_secret=[redacted]&client_assertion=aaa.bbb.[redacted]');
    expect(e.request.headers.authorization).toBe('Basic [redacted]');
    expect(e.response?.body).toContain('AT-123456');
  });

  it('hides tokens in requests and responses when asked', () => {
    const t = new Transcript({ hideTokens: true });
    const e = record(t, 'grant_type=refresh_token&refresh_token=RT-123456', { authorization: 'Bearer AT-999' });
    expect(JSON.stringify(e)).not.toMatch(/RT-123456|AT-123456|AT-999/);
  });

  it('scrubs registered secrets wherever they travel, encoded or not', () => {
    const t = new Transcript();
    t.addSecret('p@ss word+1');
    const e = record(t, `grant_type=client_credentials&custom=${encodeURIComponent('p@ss word+1')}&other=${new URLSearchParams([['x', 'p@ss word+1']]).toString().slice(2)}`);
    expect(JSON.stringify(e)).not.toContain('p@ss');
  });

  it('caps stored response bodies', () => {
    const t = new Transcript();
    t.recordHttp({ label: 'x', startedAt: new Date(), durationMs: 1, request: { method: 'GET', url: 'https://as.example/', headers: {} }, response: { status: 500, headers: {}, body: 'x'.repeat(200_000) } });
    const e = last(t);
    expect(e.response?.truncated).toBe(true);
    expect(e.response!.body.length).toBeLessThanOrEqual(64 * 1024);
  });

  it('a secret registered after an exchange was recorded is hidden in it too', () => {
    const t = new Transcript();
    const e = record(t, 'grant_type=client_credentials&custom=late-secret-42');
    expect(e.request.body).toContain('late-secret-42');
    t.addSecret('late-secret-42');
    expect(JSON.stringify(t.entries)).not.toContain('late-secret-42');
  });

  it('entries read twice are the same, and reading does not let later records skip redaction', () => {
    const t = new Transcript();
    t.addSecret('s3cr3t-value');
    record(t, 'grant_type=client_credentials&x=s3cr3t-value');
    const first = t.entries;
    expect(t.entries).toEqual(first);
    record(t, 'grant_type=client_credentials&y=s3cr3t-value');
    t.event('note', 'workbench', 'user', 'detail with s3cr3t-value');
    const all = t.entries;
    expect(all).toHaveLength(3);
    expect(all[0]).toEqual(first[0]);
    expect(JSON.stringify(all)).not.toContain('s3cr3t-value');
    // A copy: changing it does not change the transcript.
    all.pop();
    expect(t.entries).toHaveLength(3);
  });
});
