import { WorkbenchError } from '../../../shared/errors';
import { publicEntry, type ServiceContext } from '../context';
import type { Handlers } from '../dispatch';

/** The token history: entries, their tokens, and clearing them. */
export function historyHandlers(c: ServiceContext): Pick<Handlers, 'listHistory' | 'getHistoryTokens' | 'clearHistory'> {
  const { history } = c;
  return {
    listHistory: async ({ profileId }) => history.list(profileId).map(publicEntry),
    getHistoryTokens: async ({ historyId }) => {
      const tokens = await history.tokens(historyId);
      if (!tokens) throw new WorkbenchError('NOT_FOUND', 'these tokens are no longer stored');
      return tokens;
    },
    clearHistory: async ({ profileId }) => {
      const removed = await history.clear(profileId);
      c.emit({ type: 'history.changed', ...(profileId ? { profileId } : {}) });
      return { removed };
    },
  };
}
