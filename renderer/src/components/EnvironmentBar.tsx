import { useEffect, useState } from 'react';
import type { SecretVariableStatus } from '../../../shared/ipc';
import type { ConnectionGroup, Environment } from '../../../shared/profile';
import { call } from '../api';
import { Modal } from './Dialogs';
import { ErrorBox } from './ErrorBox';

/**
 * Environments (issue 13 §3): the active environment of the profile's group, always visible next to
 * the profile and switchable; production is marked with a text label and an icon, not only a colour.
 */
export function EnvironmentBar({ group, reload }: { group?: ConnectionGroup; reload: () => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!group) return null;
  const envs = group.environments ?? [];
  const active = envs.find((e) => e.id === group.activeEnvironmentId);
  const choose = async (id: string) => {
    setError(null);
    try {
      const { activeEnvironmentId: _a, ...rest } = group;
      await call('saveGroup', id ? { ...rest, activeEnvironmentId: id } : rest);
      await reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className={`env-bar${active?.production ? ' env-prod' : ''}`} data-testid="env-bar">
      <label htmlFor="env-select">Environment</label>
      <select id="env-select" value={active?.id ?? ''} onChange={(e) => void choose(e.target.value)} aria-describedby={active?.production ? 'env-prod-label' : undefined}>
        <option value="">(none)</option>
        {envs.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name}
            {e.production ? ' — production' : ''}
          </option>
        ))}
      </select>
      {active?.production ? (
        <span id="env-prod-label" className="badge env-prod-badge" data-testid="env-production">
          <span aria-hidden="true">⚠ </span>PRODUCTION
        </span>
      ) : null}
      <button type="button" onClick={() => setEditing(true)}>
        Environments…
      </button>
      <ErrorBox error={error} />
      {editing ? <EnvironmentsDialog group={group} onClose={() => setEditing(false)} reload={reload} /> : null}
    </div>
  );
}

type DraftVar = { name: string; value: string; secret: boolean; secretInput: string };
type DraftEnv = { id: string; name: string; production: boolean; variables: DraftVar[] };

const toDraft = (e: Environment): DraftEnv => ({
  id: e.id,
  name: e.name,
  production: Boolean(e.production),
  variables: e.variables.map((v) => ({ name: v.name, value: v.value ?? '', secret: v.secret, secretInput: '' })),
});

/** Edit a group's environments and variables; secret values go to the keychain (main), never back to this screen. */
function EnvironmentsDialog({ group, onClose, reload }: { group: ConnectionGroup; onClose: () => void; reload: () => Promise<void> }) {
  const [envs, setEnvs] = useState<DraftEnv[]>(() => (group.environments ?? []).map(toDraft));
  const [status, setStatus] = useState<Record<string, SecretVariableStatus[]>>({});
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    for (const e of group.environments ?? [])
      void call('getEnvironmentSecrets', { groupId: group.id, envId: e.id })
        .then((s) => setStatus((old) => ({ ...old, [e.id]: s })))
        .catch(() => undefined);
  }, [group]);
  const update = (i: number, patch: Partial<DraftEnv>) => setEnvs(envs.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const updateVar = (i: number, k: number, patch: Partial<DraftVar>) => update(i, { variables: (envs[i]?.variables ?? []).map((v, j) => (j === k ? { ...v, ...patch } : v)) });
  const save = async () => {
    setError(null);
    try {
      const environments = envs.map((e) => ({
        id: e.id,
        name: e.name,
        ...(e.production ? { production: true } : {}),
        variables: e.variables.filter((v) => v.name.trim()).map((v) => (v.secret ? { name: v.name.trim(), secret: true } : { name: v.name.trim(), value: v.value, secret: false })),
      }));
      const active = environments.some((e) => e.id === group.activeEnvironmentId) ? group.activeEnvironmentId : environments[0]?.id;
      const { activeEnvironmentId: _a, ...rest } = group;
      await call('saveGroup', { ...rest, environments, ...(active ? { activeEnvironmentId: active } : {}) });
      for (const e of envs) for (const v of e.variables) if (v.secret && v.secretInput) await call('setEnvironmentSecret', { groupId: group.id, envId: e.id, name: v.name.trim(), value: v.secretInput });
      await reload();
      onClose();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Modal title={`Environments of ${group.name}`} onClose={onClose} wide testId="environments-dialog">
      <p className="muted">
        Use <code>{'{{name}}'}</code> in any field of the group&apos;s profiles. Secret values are kept in the OS keychain and never shown again.
      </p>
      {envs.map((e, i) => (
        <fieldset key={e.id} className="panel env-edit">
          <legend className="visually-hidden">Environment {e.name}</legend>
          <div className="row wrap">
            <label>
              Name <input value={e.name} onChange={(ev) => update(i, { name: ev.target.value })} aria-label={`Environment ${i + 1} name`} />
            </label>
            <label>
              <input type="checkbox" checked={e.production} onChange={(ev) => update(i, { production: ev.target.checked })} /> Production
            </label>
            <button type="button" className="danger" onClick={() => setEnvs(envs.filter((_, j) => j !== i))}>
              Remove {e.name || 'environment'}
            </button>
          </div>
          <table className="kv">
            <thead>
              <tr>
                <th scope="col">Variable</th>
                <th scope="col">Value</th>
                <th scope="col">Secret</th>
              </tr>
            </thead>
            <tbody>
              {e.variables.map((v, k) => {
                const st = status[e.id]?.find((s) => s.name === v.name);
                return (
                  <tr key={k}>
                    <td>
                      <input value={v.name} aria-label={`${e.name} variable ${k + 1} name`} onChange={(ev) => updateVar(i, k, { name: ev.target.value })} />
                    </td>
                    <td>
                      {v.secret ? (
                        <input type="password" autoComplete="off" value={v.secretInput} placeholder={st?.set ? `set (${st.masked ?? '••••'}) — type to replace` : 'not set'} aria-label={`${e.name} ${v.name} secret value`} onChange={(ev) => updateVar(i, k, { secretInput: ev.target.value })} />
                      ) : (
                        <input value={v.value} aria-label={`${e.name} ${v.name} value`} onChange={(ev) => updateVar(i, k, { value: ev.target.value })} />
                      )}
                    </td>
                    <td>
                      <input type="checkbox" checked={v.secret} aria-label={`${e.name} ${v.name} is secret`} onChange={(ev) => updateVar(i, k, { secret: ev.target.checked, value: '' })} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="button" onClick={() => update(i, { variables: [...e.variables, { name: '', value: '', secret: false, secretInput: '' }] })}>
            Add variable
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => setEnvs([...envs, { id: crypto.randomUUID(), name: envs.length ? `env${envs.length + 1}` : 'dev', production: false, variables: [] }])}>
        Add environment
      </button>
      <ErrorBox error={error} />
      <div className="buttons">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={() => void save()}>
          Save environments
        </button>
      </div>
    </Modal>
  );
}
