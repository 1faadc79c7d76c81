import { useEffect, useMemo, useState, type RefObject } from 'react';
import type { AppInfo, Workspace } from '../../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../../shared/profile';
import { call } from '../api';
import { fieldErrorsByName } from '../lib/dialog-errors';
import { GRANT_LABELS } from '../lib/profile-rules';
import { dropSession, useUnsavedProfileIds } from '../lib/session-store';
import { ConfirmDialog, FormDialog, Menu } from './Dialogs';
import { ErrorBox } from './ErrorBox';
import { VirtualList } from './VirtualList';

export type Selection = { kind: 'profile'; id: string } | { kind: 'keystore' } | { kind: 'history' } | { kind: 'io' } | null;

type Row = { kind: 'group'; group: ConnectionGroup | null; count: number; collapsed: boolean } | { kind: 'profile'; profile: ConnectionProfile };

type Dialog =
  | { kind: 'newGroup' }
  | { kind: 'newProfile'; groupId?: string }
  | { kind: 'renameGroup'; group: ConnectionGroup }
  | { kind: 'groupDefaults'; group: ConnectionGroup }
  | { kind: 'deleteGroup'; group: ConnectionGroup; count: number }
  | { kind: 'renameProfile'; profile: ConnectionProfile }
  | { kind: 'moveProfile'; profile: ConnectionProfile }
  | { kind: 'deleteProfile'; profile: ConnectionProfile };

const ROW_HEIGHT = 28;
const SHORT_GRANT: Record<string, string> = {
  authorization_code: 'code',
  client_credentials: 'cc',
  refresh_token: 'refresh',
  password: 'ropc',
  implicit: 'implicit',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'jwt',
  'urn:ietf:params:oauth:grant-type:saml2-bearer': 'saml',
  'urn:ietf:params:oauth:grant-type:device_code': 'device',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'exchange',
  'urn:openid:params:grant-type:ciba': 'ciba',
};

/** Connection groups and their profiles: filter, create, rename, duplicate, move, delete. */
export function Sidebar(props: { workspace: Workspace; selection: Selection; onSelect: (s: Selection) => void; reload: () => Promise<void>; filterRef: RefObject<HTMLInputElement | null> }) {
  const { workspace, selection } = props;
  // Profiles with unsaved edits are marked in the list (issue 12); their drafts live in the session store.
  const unsaved = useUnsavedProfileIds();
  const [filter, setFilter] = useState('');
  // Filtering is one pass over a per-workspace index (indexOf below), a few milliseconds at 10,000
  // profiles, so the list follows each keystroke in the same frame. A deferred value made the list
  // lag a frame or more behind the input (bench/ui: keystroke to filtered list painted).
  const deferredFilter = filter;
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [dialogError, setDialogError] = useState<unknown>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; row: Row } | null>(null);
  const [toast, setToast] = useState<string | null>(null);

  const rows = useMemo(() => buildRows(workspace, deferredFilter, collapsed), [workspace, deferredFilter, collapsed]);
  const matchCount = useMemo(() => rows.filter((r) => r.kind === 'profile').length, [rows]);
  const selectedIndex = selection?.kind === 'profile' ? rows.findIndex((r) => r.kind === 'profile' && r.profile.id === selection.id) : -1;

  const closeDialog = () => {
    setDialog(null);
    setDialogError(null);
  };
  const run = async (work: () => Promise<unknown>, message?: string) => {
    try {
      await work();
      await props.reload();
      closeDialog();
      if (message) {
        setToast(message);
        setTimeout(() => setToast(null), 4000);
      }
    } catch (err) {
      setDialogError(err);
    }
  };

  const groupOptions = [{ value: '', label: '(no group)' }, ...workspace.groups.map((g) => ({ value: g.id, label: g.name }))];

  const menuItems = (row: Row) => {
    if (row.kind === 'group') {
      const g = row.group;
      if (!g) return [{ label: 'New profile here', onSelect: () => setDialog({ kind: 'newProfile' }) }];
      return [
        { label: 'New profile here', onSelect: () => setDialog({ kind: 'newProfile', groupId: g.id }) },
        { label: 'Rename…', onSelect: () => setDialog({ kind: 'renameGroup', group: g }) },
        { label: 'Shared defaults…', onSelect: () => setDialog({ kind: 'groupDefaults', group: g }) },
        { label: 'Delete group…', danger: true, onSelect: () => setDialog({ kind: 'deleteGroup', group: g, count: row.count }) },
      ];
    }
    const p = row.profile;
    return [
      { label: 'Rename…', onSelect: () => setDialog({ kind: 'renameProfile', profile: p }) },
      {
        label: 'Duplicate',
        onSelect: () =>
          void run(async () => {
            const copy = await call('duplicateProfile', { profileId: p.id });
            props.onSelect({ kind: 'profile', id: copy.id });
          }, `Duplicated "${p.name}"`),
      },
      { label: 'Move to group…', onSelect: () => setDialog({ kind: 'moveProfile', profile: p }) },
      { label: 'Delete…', danger: true, onSelect: () => setDialog({ kind: 'deleteProfile', profile: p }) },
    ];
  };

  return (
    <aside className="sidebar">
      <div className="sidebar-head">
        <div className="brand">
          <span className="dot" /> Token Workbench
        </div>
        <div className="nav">
          <button className={selection?.kind === 'keystore' ? 'active' : ''} onClick={() => props.onSelect({ kind: 'keystore' })}>
            Keystore
          </button>
          <button className={selection?.kind === 'history' ? 'active' : ''} onClick={() => props.onSelect({ kind: 'history' })}>
            History
          </button>
          <button className={selection?.kind === 'io' ? 'active' : ''} onClick={() => props.onSelect({ kind: 'io' })}>
            Import/Export
          </button>
        </div>
        <input ref={props.filterRef} type="search" aria-label="Filter profiles" placeholder="Filter profiles  (Ctrl+K)" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <div className="row">
          <button onClick={() => setDialog({ kind: 'newGroup' })}>+ Group</button>
          <button onClick={() => setDialog({ kind: 'newProfile' })}>+ Profile</button>
          <span className="spacer" />
          {/* data-filter names the filter the rendered list reflects: benchmarks and tests wait on it. */}
          <span className="muted" data-testid="profile-count" data-filter={deferredFilter}>
            {deferredFilter ? `${matchCount} of ${workspace.profiles.length}` : `${workspace.profiles.length} profiles`}
          </span>
        </div>
      </div>
      {rows.length === 0 ? (
        <div className="empty">{workspace.profiles.length === 0 && workspace.groups.length === 0 ? 'No connections yet. Create a group, then a profile.' : 'No profile matches the filter.'}</div>
      ) : (
        <VirtualList
          label="Connection groups and profiles"
          items={rows}
          rowHeight={ROW_HEIGHT}
          scrollToIndex={selectedIndex}
          renderRow={(row, _i, style) =>
            row.kind === 'group' ? (
              <div
                key={`g:${row.group?.id ?? '-'}`}
                className="vrow group"
                style={style}
                role="treeitem"
                aria-expanded={!row.collapsed}
                data-testid="group-row"
                onClick={() => {
                  const id = row.group?.id ?? '-';
                  const next = new Set(collapsed);
                  if (next.has(id)) next.delete(id);
                  else next.add(id);
                  setCollapsed(next);
                }}
                onContextMenu={(e) => {
                  e.preventDefault();
                  setMenu({ x: e.clientX, y: e.clientY, row });
                }}
              >
                <span>{row.collapsed ? '▸' : '▾'}</span>
                <span className="name">{row.group?.name ?? 'Ungrouped'}</span>
                <span className="badge">{row.count}</span>
                <button className="icon" aria-label={`Actions for group ${row.group?.name ?? 'Ungrouped'}`} onClick={(e) => (e.stopPropagation(), setMenu({ x: e.clientX, y: e.clientY, row }))}>
                  ⋯
                </button>
              </div>
            ) : (
              <div
                key={`p:${row.profile.id}`}
                className={`vrow profile${selection?.kind === 'profile' && selection.id === row.profile.id ? ' selected' : ''}`}
                style={style}
                role="treeitem"
                aria-selected={selection?.kind === 'profile' && selection.id === row.profile.id}
                data-testid="profile-row"
                title={GRANT_LABELS[row.profile.grantType]}
                onClick={() => props.onSelect({ kind: 'profile', id: row.profile.id })}
                onContextMenu={(e) => {
                  e.preventDefault();
                  setMenu({ x: e.clientX, y: e.clientY, row });
                }}
              >
                <span className="name">{row.profile.name}</span>
                {unsaved.has(row.profile.id) ? (
                  <span className="unsaved-mark" data-testid="unsaved-mark" role="img" aria-label="unsaved changes" title="unsaved changes">
                    ●
                  </span>
                ) : null}
                <span className="badge">{SHORT_GRANT[row.profile.grantType] ?? ''}</span>
                <button className="icon" aria-label={`Actions for ${row.profile.name}`} onClick={(e) => (e.stopPropagation(), setMenu({ x: e.clientX, y: e.clientY, row }))}>
                  ⋯
                </button>
              </div>
            )
          }
        />
      )}
      <AppFooter />
      {menu ? <Menu x={menu.x} y={menu.y} items={menuItems(menu.row)} onClose={() => setMenu(null)} /> : null}
      {toast ? (
        <div className="toast" role="status">
          {toast}
        </div>
      ) : null}

      {dialog?.kind === 'newGroup' ? (
        <FormDialog
          title="New connection group"
          submitLabel="Create group"
          fields={[
            { name: 'name', label: 'Name', placeholder: 'e.g. Okta staging', required: true },
            { name: 'issuer', label: 'Default issuer (optional)', placeholder: 'https://login.example.com' },
          ]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('saveGroup', { name: v.name ?? '', defaults: v.issuer?.trim() ? { issuer: v.issuer.trim() } : {} }))}
        />
      ) : null}
      {dialog?.kind === 'newProfile' ? (
        <FormDialog
          title="New connection profile"
          submitLabel="Create profile"
          fields={[
            { name: 'name', label: 'Name', placeholder: 'e.g. Orders API (service)', required: true },
            { name: 'groupId', label: 'Group', value: dialog.groupId ?? workspace.groups[0]?.id ?? '', options: groupOptions },
            {
              name: 'grantType',
              label: 'Grant type',
              value: 'client_credentials',
              options: Object.entries(GRANT_LABELS).map(([value, label]) => ({ value, label })),
            },
          ]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) =>
            run(async () => {
              const p = await call('saveProfile', {
                name: v.name ?? '',
                ...(v.groupId ? { groupId: v.groupId } : {}),
                grantType: (v.grantType ?? 'client_credentials') as ConnectionProfile['grantType'],
              });
              props.onSelect({ kind: 'profile', id: p.id });
            })
          }
        />
      ) : null}
      {dialog?.kind === 'renameGroup' ? (
        <FormDialog
          title="Rename group"
          submitLabel="Rename"
          fields={[{ name: 'name', label: 'Name', value: dialog.group.name, required: true }]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('saveGroup', { ...dialog.group, name: v.name ?? '' }))}
        />
      ) : null}
      {dialog?.kind === 'groupDefaults' ? (
        <FormDialog
          title={`Shared defaults of ${dialog.group.name}`}
          submitLabel="Save defaults"
          fields={[
            { name: 'issuer', label: 'Issuer', value: dialog.group.defaults.issuer ?? '', placeholder: 'https://login.example.com' },
            { name: 'proxy', label: 'Proxy', value: dialog.group.defaults.network?.proxy ?? '', placeholder: 'http://proxy:3128' },
            { name: 'caFile', label: 'CA bundle file (PEM path)', value: dialog.group.defaults.network?.caFile ?? '' },
          ]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) =>
            run(() =>
              call('saveGroup', {
                ...dialog.group,
                defaults: {
                  ...(v.issuer?.trim() ? { issuer: v.issuer.trim() } : {}),
                  network: { ...(v.proxy?.trim() ? { proxy: v.proxy.trim() } : {}), ...(v.caFile?.trim() ? { caFile: v.caFile.trim() } : {}) },
                },
              }),
            )
          }
        />
      ) : null}
      {dialog?.kind === 'deleteGroup' ? (
        <ConfirmDialog
          title={`Delete group "${dialog.group.name}"?`}
          message={`Its ${dialog.count} profile(s) are kept and move to Ungrouped.`}
          confirmLabel="Delete group"
          danger
          onCancel={closeDialog}
          onConfirm={() => void run(() => call('deleteGroup', { groupId: dialog.group.id }), `Deleted group "${dialog.group.name}"`)}
        />
      ) : null}
      {dialog?.kind === 'renameProfile' ? (
        <FormDialog
          title="Rename profile"
          submitLabel="Rename"
          fields={[{ name: 'name', label: 'Name', value: dialog.profile.name, required: true }]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('saveProfile', stripTimes({ ...dialog.profile, name: v.name ?? '' })))}
        />
      ) : null}
      {dialog?.kind === 'moveProfile' ? (
        <FormDialog
          title={`Move "${dialog.profile.name}"`}
          submitLabel="Move"
          fields={[{ name: 'groupId', label: 'To group', value: dialog.profile.groupId ?? '', options: groupOptions }]}
          onCancel={closeDialog}
          error={dialogError ? <ErrorBox error={dialogError} /> : null}
          fieldErrors={fieldErrorsByName(dialogError)}
          onSubmit={(v) => run(() => call('moveProfile', { profileId: dialog.profile.id, groupId: v.groupId || null }))}
        />
      ) : null}
      {dialog?.kind === 'deleteProfile' ? (
        <ConfirmDialog
          title={`Delete "${dialog.profile.name}"?`}
          message="The profile, its secrets in the keychain and its token history are removed."
          confirmLabel="Delete profile"
          danger
          onCancel={closeDialog}
          onConfirm={() =>
            void run(async () => {
              await call('deleteProfile', { profileId: dialog.profile.id });
              dropSession(dialog.profile.id);
              if (selection?.kind === 'profile' && selection.id === dialog.profile.id) props.onSelect(null);
            }, `Deleted "${dialog.profile.name}"`)
          }
        />
      ) : null}
    </aside>
  );
}

/** Where the data lives and which transport this window uses (desktop IPC or the browser bridge). */
function AppFooter() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    void call('appInfo', {}).then(setInfo, () => undefined);
  }, []);
  if (!info) return null;
  return (
    <div className="muted" style={{ padding: '6px 10px', borderTop: '1px solid var(--border)', fontSize: 11 }} title={info.dataDir}>
      v{info.version} · {info.mode === 'web' ? 'browser mode' : 'desktop'} · {info.platform}
    </div>
  );
}

export function stripTimes(p: ConnectionProfile) {
  const { createdAt: _c, updatedAt: _u, ...rest } = p;
  return rest;
}

/** What every keystroke would otherwise recompute for 10,000 profiles: membership, sort order, lower-cased search text. */
interface WorkspaceIndex {
  sections: Array<{ group: ConnectionGroup | null; groupName: string; profiles: ConnectionProfile[]; search: string[] }>;
}
const indexes = new WeakMap<Workspace, WorkspaceIndex>();
const collator = new Intl.Collator();

/** Built once per workspace snapshot (a save produces a new one), so filtering is one pass of substring checks. */
function indexOf(ws: Workspace): WorkspaceIndex {
  let index = indexes.get(ws);
  if (index) return index;
  const groupIds = new Set(ws.groups.map((g) => g.id));
  const byGroup = new Map<string, ConnectionProfile[]>();
  for (const p of ws.profiles) {
    const key = p.groupId && groupIds.has(p.groupId) ? p.groupId : '-';
    let list = byGroup.get(key);
    if (!list) byGroup.set(key, (list = []));
    list.push(p);
  }
  const groups: Array<ConnectionGroup | null> = [...[...ws.groups].sort((a, b) => collator.compare(a.name, b.name)), null];
  const sections: WorkspaceIndex['sections'] = [];
  for (const g of groups) {
    const profiles = [...(byGroup.get(g?.id ?? '-') ?? [])].sort((a, b) => collator.compare(a.name, b.name));
    if (!g && profiles.length === 0) continue;
    sections.push({ group: g, groupName: (g?.name ?? 'ungrouped').toLowerCase(), profiles, search: profiles.map(searchText) });
  }
  index = { sections };
  indexes.set(ws, index);
  return index;
}

function buildRows(ws: Workspace, filter: string, collapsed: Set<string>): Row[] {
  const needle = filter.trim().toLowerCase();
  const rows: Row[] = [];
  for (const { group: g, groupName, profiles, search } of indexOf(ws).sections) {
    const groupMatches = needle !== '' && groupName.includes(needle);
    const shown = needle === '' || groupMatches ? profiles : profiles.filter((_, i) => (search[i] as string).includes(needle));
    if (needle !== '' && shown.length === 0 && !groupMatches) continue;
    // While filtering, every group with matches is open: the user is looking for something.
    const isCollapsed = needle === '' && collapsed.has(g?.id ?? '-');
    rows.push({ kind: 'group', group: g, count: shown.length, collapsed: isCollapsed });
    if (!isCollapsed) for (const p of shown) rows.push({ kind: 'profile', profile: p });
  }
  return rows;
}

/** Name, client ID and issuer, lower-cased, separated so a needle cannot match across two of them. */
function searchText(p: ConnectionProfile): string {
  return `${p.name.toLowerCase()}\u0000${p.clientId.toLowerCase()}\u0000${(p.issuer ?? '').toLowerCase()}`;
}
