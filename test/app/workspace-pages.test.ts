import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../../electron/app/dispatch';
import { openAppService } from '../../electron/app/open';
import type { AppService } from '../../electron/app/service';
import type { WorkspacePage } from '../../shared/ipc';

/** listWorkspacePage: the workspace streamed in display order, restarting when the store changes mid-stream. */
let dir: string;
let service: AppService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenbench-pages-'));
  service = openAppService({ dataDir: join(dir, 'data'), mode: 'web', version: 'test', keychainService: `tokenbench-test-${randomUUID()}`, openBrowser: async () => undefined });
  const h = service.handlers;
  const zeta = await h.saveGroup({ name: 'Zeta', defaults: {} });
  const alpha = await h.saveGroup({ name: 'alpha', defaults: {} });
  for (const [name, groupId] of [['b2', zeta.id], ['a1', zeta.id], ['loose', undefined], ['c3', alpha.id], ['a0', alpha.id]] as const)
    await h.saveProfile({ name, grantType: 'client_credentials', ...(groupId ? { groupId } : {}) } as never);
});
afterAll(async () => {
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const page = async (arg: Record<string, unknown>) => {
  const r = await dispatch(service.handlers, 'listWorkspacePage', arg);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as WorkspacePage;
};

describe('listWorkspacePage', () => {
  test('pages come in display order: groups by name, their profiles by name, ungrouped last; groups on the first page only', async () => {
    const first = await page({ cursor: 0, limit: 2 });
    expect(first.groups?.map((g) => g.name)).toEqual(['alpha', 'Zeta']);
    expect(first.total).toBe(5);
    expect(first.next).toBe(2);
    const names = first.profiles.map((p) => p.name);
    let cursor = first.next;
    while (cursor !== undefined) {
      const next = await page({ cursor, limit: 2, snapshot: first.snapshot });
      expect(next.snapshot).toBe(first.snapshot);
      expect(next.groups).toBeUndefined();
      names.push(...next.profiles.map((p) => p.name));
      cursor = next.next;
    }
    expect(names).toEqual(['a0', 'c3', 'a1', 'b2', 'loose']);
  });

  test('a change of the store between pages: the next page is the new snapshot\'s first (with its groups)', async () => {
    const first = await page({ cursor: 0, limit: 2 });
    await service.handlers.saveProfile({ name: 'aa', grantType: 'client_credentials' } as never);
    const next = await page({ cursor: 2, limit: 2, snapshot: first.snapshot });
    expect(next.snapshot).not.toBe(first.snapshot);
    expect(next.groups).toBeDefined();
    expect(next.total).toBe(6);
    expect(next.profiles.map((p) => p.name)).toEqual(['a0', 'c3']);
  });

  test('ensure-a-page-request-with-a-bad-limit-fails', async () => {
    const r = await dispatch(service.handlers, 'listWorkspacePage', { cursor: 0, limit: 0 });
    expect(r.ok).toBe(false);
  });
});
