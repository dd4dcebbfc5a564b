'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// server.getConnections(cb) is asynchronous and counts open connections:
// 2 while both are open, 1 after one closed, 0 after both.
const server = net.createServer((c) => {
  if (++accepted === 2) count('both open', () => clients[0].end());
  c.resume();
  c.on('close', () => {
    closed++;
    if (closed === 1) count('one closed', () => clients[1].end());
    else count('none open', () => server.close());
  });
});
let accepted = 0, closed = 0;
const clients = [];
function count(what, then) {
  let sync = true;
  server.getConnections((err, n) => {
    log('server', what, 'getConnections', err === null ? 'err=null' : fmtErr(err), n, 'sync', sync);
    then();
  });
  sync = false;
}
server.on('close', () => log('server', 'close'));
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  for (let i = 0; i < 2; i++) {
    const c = net.connect(server.address().port, '127.0.0.1');
    c.resume();
    clients.push(c);
  }
});
