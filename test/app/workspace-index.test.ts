// The sidebar's workspace index (issue 12, "instant at scale"): built page by page and filtered by
// narrowing earlier matches, it must show exactly what a plain pass over the whole workspace shows.
import { describe, expect, test } from 'vitest';
import { WorkspaceIndex, type Row } from '../../renderer/src/lib/workspace-index';
import type { Workspace } from '../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../shared/profile';

const now = new Date(0).toISOString();
const group = (i: number): ConnectionGroup => ({ id: `g${i}`, name: i === 7 ? 'Prod partners' : `Team ${String(i).padStart(2, '0')}`, defaults: {} }) as ConnectionGroup;
const profile = (i: number, groupId: string | undefined): ConnectionProfile =>
  ({
    id: `p${i}`,
    name: `service-${i} ${['staging', 'production', 'dev', 'qa'][i % 4]}`,
    ...(groupId ? { groupId } : {}),
    grantType: 'client_credentials',
    clientId: `client-${i}`,
    ...(i % 5 ? { issuer: `https://idp${i % 9}.example.com` } : {}),
    createdAt: now,
    updatedAt: now,
  }) as ConnectionProfile;

/** 40 groups (one with no profiles), profiles in display order, ungrouped ones and one of a deleted group last. */
function workspace(): Workspace {
  const groups = Array.from({ length: 40 }, (_, i) => group(i));
  const profiles: ConnectionProfile[] = [];
  let n = 0;
  for (const g of groups) if (g.id !== 'g3') for (let k = 0; k < 25; k++) profiles.push(profile(n++, g.id));
  for (let k = 0; k < 30; k++) profiles.push(profile(n++, k === 0 ? 'deleted-group' : undefined));
  return { groups, profiles };
}

/** What the sidebar showed before the index: one pass over everything, per keystroke. */
function reference(ws: Workspace, filter: string, collapsed: Set<string>): { rows: Row[]; matchCount: number } {
  const needle = filter.trim().toLowerCase();
  const ids = new Set(ws.groups.map((g) => g.id));
  const rows: Row[] = [];
  let matchCount = 0;
  for (const g of [...ws.groups, null]) {
    const all = ws.profiles.filter((p) => (g ? p.groupId === g.id : !p.groupId || !ids.has(p.groupId)));
    if (!g && all.length === 0) continue;
    const groupMatches = needle !== '' && (g?.name ?? 'ungrouped').toLowerCase().includes(needle);
    const shown = needle === '' || groupMatches ? all : all.filter((p) => [p.name, p.clientId, p.issuer ?? ''].some((t) => t.toLowerCase().includes(needle)));
    if (needle !== '' && shown.length === 0 && !groupMatches) continue;
    const isCollapsed = needle === '' && collapsed.has(g?.id ?? '-');
    rows.push({ kind: 'group', group: g, count: shown.length, collapsed: isCollapsed });
    if (!isCollapsed) for (const p of shown) rows.push({ kind: 'profile', profile: p });
    matchCount += shown.length;
  }
  return { rows, matchCount };
}

describe('the sidebar workspace index', () => {
  test('built from pages as they stream in, it shows what the whole workspace at once shows', () => {
    const ws = workspace();
    let index = WorkspaceIndex.of(ws.groups);
    for (let at = 0, size = 1; at < ws.profiles.length; at += size, size = (size * 7) % 97 || 3) index = index.append(ws.profiles.slice(at, at + size));
    expect(index.size).toBe(ws.profiles.length);
    const collapsed = new Set(['g1', '-']);
    for (const filter of ['', 'prod', 'ungrouped', 'IDP3']) expect(index.rows(filter, collapsed)).toEqual(reference(ws, filter, collapsed));
  });

  test('typing and deleting, in any order, every keystroke shows what a full pass shows', () => {
    const ws = workspace();
    const index = WorkspaceIndex.forWorkspace(ws);
    const none = new Set<string>();
    // Typed on (narrowing), deleted back (kept results), a needle inside an earlier one, a group name, case, spaces.
    const steps = ['4', '42', '421', '4217', '4217 ', '4217 p', '421', '4', '', 's', 'se', 'serv', 'ice-1', 'ice-12', 'E-12 P', 'prod', 'prod p', 'prod', 'pro', 'partners', 'part', '  qa', 'qa', 'idp3.ex', 'example.com', 'ungr', 'client-99', 'zzz', ''];
    for (const filter of steps) expect(index.rows(filter, none), `filter "${filter}"`).toEqual(reference(ws, filter, none));
  });

  test('more needles than it keeps: forgotten ones are computed again, the same', () => {
    const ws = workspace();
    const index = WorkspaceIndex.forWorkspace(ws);
    const none = new Set<string>();
    const needles = Array.from({ length: 80 }, (_, i) => `${i % 10}${(i * 3) % 10}`);
    for (const filter of [...needles, ...needles.reverse()]) expect(index.rows(filter, none)).toEqual(reference(ws, filter, none));
  });

  test('an index is registered with its workspace; a new page makes a new index and leaves the old one as it was', () => {
    const ws = workspace();
    const first = WorkspaceIndex.of(ws.groups).append(ws.profiles.slice(0, 100));
    const shown = first.register({ groups: ws.groups, profiles: ws.profiles.slice(0, 100) });
    expect(WorkspaceIndex.forWorkspace(shown)).toBe(first);
    const before = first.rows('', new Set()).rows.length;
    const next = first.append(ws.profiles.slice(100, 200));
    expect(first.rows('', new Set()).rows.length).toBe(before);
    expect(next.rows('', new Set()).matchCount).toBe(200);
  });
});
