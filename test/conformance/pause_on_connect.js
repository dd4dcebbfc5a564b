'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// pauseOnConnect: the accepted socket reads nothing until resume(), even
// though the client's data and FIN have arrived.
const server = net.createServer({ pauseOnConnect: true }, (c) => {
  watch(c, 'sconn', { eachData: true });
  let got = 0;
  c.on('data', (d) => { got += d.length; });
  setTimeout(() => {
    log('sconn', 'after 100ms: data bytes', got, 'bytesRead', c.bytesRead);
    c.resume();
  }, 100);
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  const c = net.connect(server.address().port, '127.0.0.1');
  watch(c, 'client');
  c.end('hello');
});
