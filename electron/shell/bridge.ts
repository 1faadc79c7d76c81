import { channelOf, OPERATION_NAMES } from '../../shared/ipc-names';

/**
 * The object the preload exposes as `window.tokenbench`: exactly one
 * function per operation of the contract plus `onEvent`, each closing over
 * the one channel it may use. Built from OPERATION_NAMES, so it cannot drift
 * from main's handler table. Kept free of `electron` so a test can build it.
 */
export function buildBridge(
  invoke: (channel: string, arg: unknown) => Promise<unknown>,
  subscribe: (listener: (event: unknown) => void) => () => void,
): Readonly<Record<string, unknown>> {
  const bridge: Record<string, unknown> = {};
  for (const name of OPERATION_NAMES) {
    const channel = channelOf(name);
    // One argument, passed through structured clone; main validates it.
    bridge[name] = (arg: unknown) => invoke(channel, arg);
  }
  bridge.onEvent = (listener: (event: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    return subscribe(listener);
  };
  return Object.freeze(bridge);
}
