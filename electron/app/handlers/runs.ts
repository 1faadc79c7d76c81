import type { ServerMetadata } from '../../../shared/ipc';
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
    getToken: async ({ runId, profileId, inputs }) => {
      await ensureDpopKey(c, profileId);
      const profile = c.effective(c.profileOrThrow(profileId));
      const given = Object.fromEntries(Object.entries(inputs ?? {}).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
      const config = await resolveFlowConfig(profile, c.stores(), { ...given, interactionTimeoutMs: c.options.interactionTimeoutMs });
      return c.withRun(runId, async (signal) => c.recordRun(runId, profile, await runFlow(config, c.flowDeps(runId, signal)).catch(withFailedTranscript)));
    },
    refresh: async ({ runId, profileId, historyId }) => c.refreshRun(runId, profileId, historyId),
    cancelRun: async ({ runId }) => {
      const run = c.runs.get(runId);
      run?.abort();
      return { cancelled: Boolean(run) };
    },
  };
}

/**
 * DPoP without a chosen key (issue 14): the app generates an ES256 key into the keystore (the private half
 * in the keychain) once per profile, so refresh, userinfo and API calls later prove the same key.
 */
async function ensureDpopKey(c: ServiceContext, profileId: string): Promise<void> {
  const raw = c.profileOrThrow(profileId);
  if (!raw.dpop?.enabled || raw.dpop.keyAlias) return;
  const keystore = c.keystoreOrThrow();
  const alias = `dpop-${raw.id}`;
  if (!(await keystore.list()).some((k) => k.alias === alias)) await keystore.generate({ alias, alg: 'ES256' });
  c.store.saveProfile({ ...raw, dpop: { ...raw.dpop, keyAlias: alias } });
  c.emit({ type: 'workspace.changed' });
}
