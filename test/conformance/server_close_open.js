'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// server.close() with a connection open: listening becomes false at once,
// but 'close' (and the close callback) wait for the connection to close.
const server = net.createServer((c) => {
  watch(c, 'sconn');
  server.close((err) => log('server', 'close callback', err === undefined ? 'err=undefined' : fmtErr(err)));
  log('server', 'close() called, listening', server.listening);
  c.end('bye');
});
server.on('close', () => log('server', 'close event'));
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  const c = net.connect(server.address().port, '127.0.0.1');
  watch(c, 'client');
  c.on('end', () => setTimeout(() => c.end(), 50));
  c.on('close', () => server.close((err) => log('main', 'second close', fmtErr(err))));
});
