'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// resetAndDestroy(): the client closes without error; the peer gets
// ECONNRESET then 'close' with hadError=true.
const server = net.createServer((c) => {
  watch(c, 'sconn');
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  const c = net.connect(server.address().port, '127.0.0.1');
  watch(c, 'client');
  c.on('connect', () => {
    log('client', 'resetAndDestroy returns this', c.resetAndDestroy() === c);
    log('client', 'destroyed', c.destroyed);
  });
});
