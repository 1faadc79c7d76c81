import { WorkbenchError } from '../../../shared/errors';
import { describeFieldIssues, fieldErrors } from '../../../shared/field-labels';
import type { ParsedArg, ServerMetadata } from '../../../shared/ipc';
import { ConnectionProfileSchema, type ConnectionProfile } from '../../../shared/profile';
import { discover } from '../../engine/discovery';
import { discoveryCache } from '../../engine/discovery-cache';
import { runFlow } from '../../engine/flow';
import { HttpClient } from '../../engine/http';
import { Transcript } from '../../engine/transcript';
import { withFailedTranscript, type ServiceContext } from '../context';
import type { Handlers } from '../dispatch';
import { resolveFlowConfig } from '../run-profile';

/** Discovery and flows: getting, refreshing and cancelling runs. */
export function runHandlers(c: ServiceContext): Pick<Handlers, 'discover' | 'getToken' | 'refresh' | 'cancelRun'> {
  return {
    discover: async ({ issuer, profileId }) => {
      const profile = profileId ? c.effective(c.profileOrThrow(profileId)) : undefined;
      const transcript = new Transcript();
      const http = new HttpClient(await c.networkOf(profile), transcript);
      try {
        const metadata = await discover(http, issuer);
        // "Discover" always fetches; the next run then fetches too instead of trusting an older copy.
        discoveryCache.invalidate(issuer);
        return { metadata: metadata as ServerMetadata, transcript: transcript.entries };
      } finally {
        await http.close();
      }
    },
    getToken: async ({ runId, profileId, inputs, draft, secrets }) => {
      const saved = c.profileOrThrow(profileId);
      // A run uses the form as it is; nothing of it (nor a secret typed for it) is written (issue 12).
      const profile = await withDpopKey(c, saved, c.effective(draft ? profileFromDraft(saved, draft) : saved));
      const given = Object.fromEntries(Object.entries({ ...inputs, ...secrets }).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
      const config = await resolveFlowConfig(profile, c.stores(), { ...given, interactionTimeoutMs: c.options.interactionTimeoutMs });
      // Calls on these tokens later (refresh, revoke, API) use what this run used, unsaved values included.
      const ran = draft || secrets ? { profile, secrets: { ...secrets } } : undefined;
      return c.withRun(runId, async (signal) => c.recordRun(runId, profile, await runFlow(config, c.flowDeps(runId, signal)).catch(withFailedTranscript), ran));
    },
    refresh: async ({ runId, profileId, historyId }) => c.refreshRun(runId, profileId, historyId),
    cancelRun: async ({ runId }) => {
      const run = c.runs.get(runId);
      run?.abort();
      return { cancelled: Boolean(run) };
    },
  };
}

/** The saved profile as the form has it now: checked like a save, with the saved identity, secret names and times. */
export function profileFromDraft(saved: ConnectionProfile, draft: NonNullable<ParsedArg<'getToken'>['draft']>): ConnectionProfile {
  if (draft.id !== undefined && draft.id !== saved.id) throw new WorkbenchError('INVALID_INPUT', 'the form belongs to another profile');
  // Import trust (issue 11): whether an imported key alias and claims were confirmed is the store's to say, never the form's.
  const parsed = ConnectionProfileSchema.safeParse({ ...draft, id: saved.id, secretRefs: saved.secretRefs, imported: saved.imported, createdAt: saved.createdAt, updatedAt: saved.updatedAt });
  if (!parsed.success) throw new WorkbenchError('INVALID_PROFILE', `The form has problems: ${describeFieldIssues(parsed.error.issues)}`, { details: { fields: fieldErrors(parsed.error.issues) } });
  return parsed.data;
}

/**
 * DPoP without a chosen key (issue 14): the app generates an ES256 key into the keystore (the private half
 * in the keychain) once per profile, `dpop-<profile id>`, so refresh, userinfo and API calls later prove the
 * same key. The saved profile is told its alias only when it has DPoP on itself (a run never writes the form).
 */
async function withDpopKey(c: ServiceContext, saved: ConnectionProfile, profile: ConnectionProfile): Promise<ConnectionProfile> {
  if (!profile.dpop?.enabled || profile.dpop.keyAlias) return profile;
  const keystore = c.keystoreOrThrow();
  const alias = `dpop-${saved.id}`;
  if (!(await keystore.list()).some((k) => k.alias === alias)) await keystore.generate({ alias, alg: 'ES256' });
  if (saved.dpop?.enabled && !saved.dpop.keyAlias) {
    c.store.saveProfile({ ...saved, dpop: { ...saved.dpop, keyAlias: alias } });
    c.emit({ type: 'workspace.changed' });
  }
  return { ...profile, dpop: { ...profile.dpop, keyAlias: alias } };
}
