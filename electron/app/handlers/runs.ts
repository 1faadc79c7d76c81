import { hasVariables, substitute } from '../../../shared/environments';
import { WorkbenchError } from '../../../shared/errors';
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
    discover: async ({ issuer: given, profileId }) => {
      const inEnv = profileId ? await c.inEnvironment(c.profileOrThrow(profileId)).catch(() => undefined) : undefined;
      const profile = profileId ? (inEnv?.profile ?? c.effective(c.profileOrThrow(profileId))) : undefined;
      // Environments: an issuer typed as {{name}} is discovered with the active environment's value.
      const issuer = hasVariables(given) ? substitute(given, inEnv?.variables?.values ?? {}, 'issuer', inEnv?.variables?.envName) : given;
      if (!URL.canParse(issuer)) throw new WorkbenchError('INVALID_INPUT', `issuer "${issuer}" is not a URL`);
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
      const { profile, variables } = await c.inEnvironment(c.profileOrThrow(profileId));
      const given = Object.fromEntries(Object.entries(inputs ?? {}).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
      const config = await resolveFlowConfig(profile, c.stores(), { ...given, interactionTimeoutMs: c.options.interactionTimeoutMs, ...(variables ? { variables } : {}) });
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
