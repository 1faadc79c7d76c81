import { useEffect, useMemo, useState } from 'react';
import type { PresetSummary } from '../../../shared/ipc';
import type { ConnectionGroup, ConnectionProfile } from '../../../shared/profile';
import { call } from '../api';
import { Modal } from './Dialogs';
import { ErrorBox } from './ErrorBox';

/**
 * "New profile from preset" (issue 13 §2): pick a provider, answer the few questions it asks, and
 * main builds the profile (shared/presets) with the provider's quirks set; its notes say which.
 */
export function PresetDialog(props: { groups: ConnectionGroup[]; groupId?: string; onCreated: (p: ConnectionProfile, notes: string[]) => void; onCancel: () => void }) {
  const [presets, setPresets] = useState<PresetSummary[]>([]);
  const [presetId, setPresetId] = useState('');
  const [name, setName] = useState('');
  const [groupId, setGroupId] = useState(props.groupId ?? props.groups[0]?.id ?? '');
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void call('listPresets', {})
      .then((p) => {
        setPresets(p);
        // A choice the user already made while the list loaded stays.
        setPresetId((current) => current || (p[0]?.id ?? ''));
      })
      .catch(setError);
  }, []);
  const preset = useMemo(() => presets.find((p) => p.id === presetId), [presets, presetId]);
  const missing = !name.trim() || (preset?.inputs.some((i) => i.required && !inputs[i.name]?.trim()) ?? true);
  const submit = async () => {
    if (!preset || missing) return;
    setError(null);
    try {
      const r = await call('profileFromPreset', { presetId: preset.id, name: name.trim(), ...(groupId ? { groupId } : {}), inputs });
      props.onCreated(r.profile, r.notes);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Modal title="New profile from preset" onClose={props.onCancel} wide testId="preset-dialog">
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="field required">
          <label htmlFor="preset-id">Provider</label>
          <select
            id="preset-id"
            data-autofocus
            value={presetId}
            onChange={(e) => {
              setPresetId(e.target.value);
              setInputs({});
            }}
          >
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field required">
          <label htmlFor="preset-name">Profile name</label>
          <input id="preset-name" value={name} onChange={(e) => setName(e.target.value)} placeholder={preset ? `e.g. ${preset.name} (staging)` : ''} />
        </div>
        <div className="field">
          <label htmlFor="preset-group">Group</label>
          <select id="preset-group" value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">(no group)</option>
            {props.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        {preset?.inputs.map((i) => (
          <div className={`field${i.required ? ' required' : ''}`} key={`${preset.id}:${i.name}`}>
            <label htmlFor={`preset-in-${i.name}`}>{i.label}</label>
            {i.choices ? (
              <select id={`preset-in-${i.name}`} value={inputs[i.name] ?? i.default ?? i.choices[0]} onChange={(e) => setInputs({ ...inputs, [i.name]: e.target.value })}>
                {i.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input id={`preset-in-${i.name}`} value={inputs[i.name] ?? ''} placeholder={i.default ?? ''} aria-required={i.required ? 'true' : undefined} onChange={(e) => setInputs({ ...inputs, [i.name]: e.target.value })} />
            )}
            {i.help ? <div className="muted">{i.help}</div> : null}
          </div>
        ))}
        {preset ? (
          <div className="muted">
            Written from:{' '}
            {preset.docs.map((d, k) => (
              <span key={d}>
                {k ? ', ' : ''}
                <a href={d} target="_blank" rel="noreferrer">
                  {`${new URL(d).host}/…/${new URL(d).pathname.split('/').filter(Boolean).pop() ?? ''}`}
                </a>
              </span>
            ))}
            . Set the client secret (if any) on the profile afterwards.
          </div>
        ) : null}
        <ErrorBox error={error} />
        <div className="buttons">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={missing}>
            Create profile
          </button>
        </div>
      </form>
    </Modal>
  );
}
