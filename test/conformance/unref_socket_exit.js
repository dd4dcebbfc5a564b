'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// unref() on the server and on both ends of an idle connection lets the
// loop run out: 'beforeExit' sees everything still open.
let client, sconn;
const server = net.createServer((c) => {
  sconn = c;
  log('sconn', 'unref returns this', c.unref() === c);
});
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  server.unref();
  client = net.connect(server.address().port, '127.0.0.1', () => {
    log('client', 'connect; unref returns this', client.unref() === client);
  });
});
process.on('beforeExit', () => {
  log('main', 'beforeExit server.listening', server.listening, 'client readyState', client.readyState,
      'sconn destroyed', sconn ? sconn.destroyed : 'none');
});
