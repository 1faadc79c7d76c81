import { WorkbenchError } from '../../../shared/errors';
import type { ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** What the UI's session needs from main (issue 12): a running flow's page opened again, a history entry's exchanges. */
export function sessionHandlers(c: ServiceContext): Pick<Handlers, 'openRunUrl' | 'getHistoryTranscript'> {
  return {
    openRunUrl: async ({ runId }) => {
      const url = c.runUrls.get(runId);
      if (!url) throw new WorkbenchError('NOT_FOUND', 'this run is not waiting for a sign-in any more');
      // Main opens the URL the engine built for this run; the renderer only names the run.
      await c.options.openBrowser(url);
      return { url };
    },
    getHistoryTranscript: async ({ historyId }) => {
      if (!c.history.get(historyId)) throw new WorkbenchError('NOT_FOUND', 'no such history entry');
      return (await c.history.transcript(historyId)) ?? [];
    },
  };
}
