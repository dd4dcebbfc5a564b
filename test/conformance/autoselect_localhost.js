'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// connect to 'localhost' (default autoSelectFamily=true in v20) with an
// IPv4-only server. NOTE: host-dependent — the result depends on what
// 'localhost' resolves to (see README). On a host where localhost -> only
// 127.0.0.1, there is one address, so no happy-eyeballs and
// autoSelectFamilyAttemptedAddresses stays undefined.
log('main', 'getDefaultAutoSelectFamily', net.getDefaultAutoSelectFamily(),
    'getDefaultAutoSelectFamilyAttemptTimeout', net.getDefaultAutoSelectFamilyAttemptTimeout());
const server = net.createServer((c) => c.end('ok'));
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  const c = new net.Socket();
  watch(c, 'client');
  c.on('connect', () => log('client', 'attempted', q(c.autoSelectFamilyAttemptedAddresses), 'remote', c.remoteAddress));
  c.on('close', () => server.close());
  // autoSelectFamily pinned (v20's default, but defaults changed across versions).
  c.connect({ host: 'localhost', port: server.address().port, autoSelectFamily: true });
});
