import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE_NAME, historyAccount, HistoryStore, MAX_HISTORY_ENTRIES, MAX_TRANSCRIPTS } from '../../electron/app/history';
import { VAULT_MASTER_KEY_ACCOUNT } from '../../electron/secrets/secret-store';
import { createKeychainEnv, type KeychainEnv } from '../secrets/keychain-env';

let env: KeychainEnv;
beforeEach(async () => {
  env = await createKeychainEnv();
});
afterEach(async () => env.cleanup());

const input = (profileId: string) => ({ profileId, profileName: profileId, grantType: 'client_credentials' as const, obtainedAt: new Date().toISOString() });

describe('token history in the vault', () => {
  it('keeps tokens sealed in history.jsonl, one keychain item (the vault key) for all of them', async () => {
    const h = new HistoryStore(env.dataDir, env.secrets);
    const e = await h.add(input('p'), { access_token: 'very-secret-access-token', refresh_token: 'very-secret-refresh', token_type: 'Bearer' });
    h.close();
    const text = readFileSync(join(env.dataDir, HISTORY_FILE_NAME), 'utf8');
    expect(text).not.toContain('very-secret');
    expect(await env.keychain.list()).toEqual([VAULT_MASTER_KEY_ACCOUNT]);
    const reopened = new HistoryStore(env.dataDir, env.secrets);
    expect(reopened.latest('p', { withRefresh: true })?.id).toBe(e.id);
    expect((await reopened.tokens(e.id))?.refresh_token).toBe('very-secret-refresh');
  });

  it('keeps revocation marks and transcripts (sealed, newest 30) across a reopen', async () => {
    const h = new HistoryStore(env.dataDir, env.secrets);
    const ids: string[] = [];
    for (let i = 0; i < MAX_TRANSCRIPTS + 2; i++) {
      const e = await h.add(input('p'), { access_token: `at-${i}`, token_type: 'Bearer' });
      await h.addTranscript(e.id, [{ kind: 'note', text: `secret-transcript-${i}` } as never]);
      ids.push(e.id);
    }
    h.markRevoked(ids[5]!, 'access', '2026-01-01T00:00:00.000Z');
    h.close();
    expect(readFileSync(join(env.dataDir, HISTORY_FILE_NAME), 'utf8')).not.toContain('secret-transcript');
    const reopened = new HistoryStore(env.dataDir, env.secrets);
    expect(reopened.get(ids[5]!)?.revoked?.access).toBe('2026-01-01T00:00:00.000Z');
    expect(reopened.list().filter((e) => e.hasTranscript)).toHaveLength(MAX_TRANSCRIPTS);
    expect(JSON.stringify(await reopened.transcript(ids.at(-1)!))).toContain(`secret-transcript-${MAX_TRANSCRIPTS + 1}`);
  });

  it('what this process sees before the write equals what the file replays to (the view follows each line as it is added)', async () => {
    const h = new HistoryStore(env.dataDir, env.secrets);
    const ids: string[] = [];
    for (let i = 0; i < MAX_TRANSCRIPTS + 5; i++) {
      const e = await h.add(input(i % 3 ? 'p' : 'q'), { access_token: `at-${i}`, token_type: 'Bearer' });
      // Read between writes, as the app does (recordRun), so each line lands on a current view.
      expect(h.get(e.id)?.hasTranscript).toBeUndefined();
      await h.addTranscript(e.id, [{ kind: 'note', text: `t-${i}` } as never]);
      expect(h.get(e.id)?.hasTranscript).toBe(true);
      if (i % 7 === 0) h.markRevoked(e.id, 'access', '2026-01-01T00:00:00.000Z');
      ids.push(e.id);
    }
    const before = h.list();
    expect(before.filter((e) => e.hasTranscript)).toHaveLength(MAX_TRANSCRIPTS);
    h.close();
    expect(new HistoryStore(env.dataDir, env.secrets).list()).toEqual(before);
  });

  it('is capped, compacts its log, and clears per profile', async () => {
    const h = new HistoryStore(env.dataDir, env.secrets);
    for (let i = 0; i < MAX_HISTORY_ENTRIES * 2 + 20; i++) await h.add(input(i % 2 ? 'odd' : 'even'), { access_token: `at-${i}`, token_type: 'Bearer' });
    h.close();
    const lines = readFileSync(join(env.dataDir, HISTORY_FILE_NAME), 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThanOrEqual(2 * MAX_HISTORY_ENTRIES);
    const reopened = new HistoryStore(env.dataDir, env.secrets);
    expect(reopened.list()).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(await reopened.clear('odd')).toBe(MAX_HISTORY_ENTRIES / 2);
    expect(new HistoryStore(env.dataDir, env.secrets).list().every((e) => e.profileId === 'even')).toBe(true);
  }, 60_000);

  it('moves the old layout in: history.json entries with their keychain items, then removes both', async () => {
    const old = { id: '11111111-1111-4111-8111-111111111111', ...input('p'), tokenType: 'Bearer', has: { access: true, id: false, refresh: false }, stored: true };
    const lost = { ...old, id: '22222222-2222-4222-8222-222222222222' };
    writeFileSync(join(env.dataDir, 'history.json'), JSON.stringify({ entries: [old, lost] }));
    await env.keychain.set(historyAccount(old.id), JSON.stringify({ access_token: 'old-at', token_type: 'Bearer' }));
    const h = new HistoryStore(env.dataDir, env.secrets);
    expect(await h.migrateLegacy()).toBe(2);
    expect(existsSync(join(env.dataDir, 'history.json'))).toBe(false);
    expect(await env.keychain.list()).toEqual([VAULT_MASTER_KEY_ACCOUNT]);
    expect((await h.tokens(old.id))?.access_token).toBe('old-at');
    expect(h.get(lost.id)?.stored).toBe(false);
  });
});
