import { WorkbenchError } from '../../../shared/errors';
import { presetById, PRESETS, profileFromPreset } from '../../../shared/presets';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** Provider presets (issue 13 §2): listed as data; a new profile is built by the pure profileFromPreset and saved. */
export function presetHandlers(c: ServiceContext): Pick<Handlers, 'listPresets' | 'profileFromPreset'> {
  return {
    listPresets: async () => PRESETS.map(({ id, name, docs, inputs }) => ({ id, name, docs, inputs })),
    profileFromPreset: async ({ presetId, name, groupId, inputs }) => {
      const preset = presetById(presetId);
      if (!preset) throw new WorkbenchError('NOT_FOUND', `no preset "${presetId}"`);
      if (groupId && !c.store.listGroups().some((g) => g.id === groupId)) throw new WorkbenchError('NOT_FOUND', `no group with id ${groupId}`);
      const given = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v.trim() !== ''));
      const draft = profileFromPreset(preset, given, name);
      const profile = c.store.saveProfile({ ...draft.profile, ...(groupId ? { groupId } : {}), secretRefs: [] });
      c.emit({ type: 'workspace.changed' });
      return { profile, notes: draft.notes };
    },
  };
}
