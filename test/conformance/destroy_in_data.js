'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// destroy() inside a 'data' listener: later 'data' listeners still get that
// chunk (snapshot emit), nothing more is delivered, no 'end', 'close' once.
const server = net.createServer((c) => {
  watch(c, 'sconn', { noTotal: true });
  c.end('abc');
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  const c = net.connect(server.address().port, '127.0.0.1');
  watch(c, 'client', { eachData: true });
  c.on('data', () => {
    c.destroy();
    log('client', 'destroyed in data', c.destroyed, 'readyState', c.readyState);
  });
  c.on('data', (d) => log('client', 'second data listener destroyed', c.destroyed, 'len', d.length));
});
