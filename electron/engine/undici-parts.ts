// The parts of undici the engine uses, loaded from undici's own modules instead of its index.
//
// undici's index loads everything it has (fetch, WebSocket, caches, mocks, interceptors): on
// Node 20 that was ~60 ms of every CLI start (bench/cli-start) for three dispatchers. These are
// the same classes the index exports; requests go through `dispatch()`, which every dispatcher
// has (see exchange() in http.ts). undici is pinned to one version in package.json because these
// paths are not its public API; every engine test goes through them.
/// <reference path="../env/undici-lib.d.ts" />
import type { Dispatcher } from 'undici';
import connect from 'undici/lib/api/api-connect.js';
import AgentImpl from 'undici/lib/dispatcher/agent.js';
import DispatcherBaseClass from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgentImpl from 'undici/lib/dispatcher/proxy-agent.js';

// ProxyAgent opens its tunnels with `connect()`, one of the methods undici's index mixes into every
// dispatcher; it is mixed in here the same way (the index, if anything loads it, assigns the same function).
(DispatcherBaseClass.prototype as { connect?: unknown }).connect ??= connect;

export type { Dispatcher };
export const Agent = AgentImpl;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl;
export const ProxyAgent = ProxyAgentImpl;
