import type { WorkspacePage } from '../../../shared/ipc';
import { call } from '../api';

/** Enough rows to fill the tallest window; the rest of the workspace follows in pages (App). */
export const FIRST_PAGE = 60;

/**
 * The first page of the workspace, asked for as the script starts: main.tsx imports this module
 * before React, so the request is on its way while React-DOM is still being evaluated (issue 12,
 * "instant at scale"). Taken once, by the first load of the workspace.
 */
let request: Promise<WorkspacePage> | undefined = call('listWorkspacePage', { cursor: 0, limit: FIRST_PAGE });
let arrived: WorkspacePage | undefined;
request.then(
  (page) => (arrived = page),
  () => undefined,
);

/** The early request, once (later loads ask again). */
export function takeFirstPage(): Promise<WorkspacePage> | undefined {
  const r = request;
  request = undefined;
  return r;
}

/** The first page if it has arrived already (so the first render can show the list, not "Loading…"). */
export function firstPageIfArrived(): WorkspacePage | undefined {
  return request ? arrived : undefined;
}

/** Resolves when the first page is in, or failed, or after `ms`, whichever is first. */
export function firstPageSettled(ms: number): Promise<void> {
  return Promise.race([request?.then(() => undefined, () => undefined) ?? Promise.resolve(), new Promise<void>((r) => setTimeout(r, ms))]);
}
