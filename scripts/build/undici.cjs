// What claimboard uses of undici, and only that: an Agent and `request` through it (see
// src/announce/mattermost-client.ts). esbuild.mjs builds this in place of the whole package
// (fetch, WebSocket, caches, mocks: three times the size) for dist/undici.js, which the CLI
// requires when it posts, and for the extension bundle.
'use strict';
const Agent = require('undici/lib/dispatcher/agent');
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const api = require('undici/lib/api');
const { parseURL } = require('undici/lib/core/util');

// As undici's own entry does: the request API lives on every dispatcher.
Object.assign(Dispatcher.prototype, api);

/** undici's `request(url, options)`, always through the dispatcher the caller gives. */
function request(url, opts) {
  const u = parseURL(url);
  const { dispatcher, ...rest } = opts;
  if (!dispatcher) throw new TypeError('claimboard: request() needs options.dispatcher');
  return dispatcher.request({
    ...rest,
    origin: u.origin,
    path: u.search ? `${u.pathname}${u.search}` : u.pathname,
    method: rest.method || (rest.body ? 'PUT' : 'GET'),
  });
}

module.exports = { Agent, Dispatcher, request };
