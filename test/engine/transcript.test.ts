import { describe, expect, it } from 'vitest';
import { Transcript } from '../../electron/engine/transcript';

describe('Transcript redaction', () => {
  const record = (t: Transcript, body: string, headers: Record<string, string> = {}) =>
    t.recordHttp({
      label: 'token request',
      startedAt: new Date(),
      durationMs: 1,
      request: { method: 'POST', url: 'https://as.example/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: 'AT-123456', refresh_token: 'RT-123456', token_type: 'Bearer' }) },
    });

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
    const e = t.recordHttp({ label: 'x', startedAt: new Date(), durationMs: 1, request: { method: 'GET', url: 'https://as.example/', headers: {} }, response: { status: 500, headers: {}, body: 'x'.repeat(200_000) } });
    expect(e.response?.truncated).toBe(true);
    expect(e.response!.body.length).toBeLessThanOrEqual(64 * 1024);
  });
});
