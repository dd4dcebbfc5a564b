'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// maxConnections=1: a second connection is closed at once and the server
// emits 'drop' with its addresses; the first connection is unaffected.
const server = net.createServer((c) => {
  log('server', 'connection');
  watch(c, 'sconn');
  c.on('close', () => server.close());
});
server.maxConnections = 1;
server.on('drop', (d) => {
  log('server', 'drop', 'localAddress', d.localAddress, 'localPort', d.localPort, 'localFamily', d.localFamily,
      'remoteAddress', d.remoteAddress, 'remotePort>0', d.remotePort > 0, 'remoteFamily', d.remoteFamily);
  first.end();
});
server.on('close', () => log('server', 'close'));
let first;
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  log('server', 'maxConnections', server.maxConnections);
  first = net.connect(server.address().port, '127.0.0.1');
  watch(first, 'client');
  first.on('connect', () => {
    const second = net.connect(server.address().port, '127.0.0.1');
    watch(second, 'second', { noTotal: true, skip: ['connect', 'ready'] });
  });
});
