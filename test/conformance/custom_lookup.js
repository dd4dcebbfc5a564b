'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// Custom `lookup` option (autoSelectFamily pinned off: one answer):
// a good answer, a non-IP answer, a bad family and a resolver error, each
// with 'lookup', 'connectionAttempt', 'connect'/'error', 'close' in order.
const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  label(port, 'PORT');
  const runs = [
    ['good', (h, o, cb) => cb(null, '127.0.0.1', 4)],
    ['not-ip', (h, o, cb) => cb(null, 'foo', 4)],
    ['bad-family', (h, o, cb) => cb(null, '127.0.0.1', 5)],
    ['enotfound', (h, o, cb) => cb(Object.assign(new Error('getaddrinfo ENOTFOUND x.test'),
      { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'x.test' }))],
  ];
  let i = 0;
  const next = () => {
    if (i >= runs.length) { server.close(); return; }
    const [name, lookup] = runs[i++];
    const c = new net.Socket();
    c.on('lookup', (err, addr, fam, host) => log('client', name, 'lookup', err ? fmtErr(err) : 'null', q(addr), q(fam), q(host)));
    c.on('connectionAttempt', (a, p, f) => log('client', name, 'connectionAttempt', a, p, f));
    c.on('connect', () => { log('client', name, 'connect', c.remoteAddress); c.destroy(); });
    c.on('error', (e) => log('client', name, 'error', fmtErr(e)));
    c.on('close', (hadError) => { log('client', name, 'close', hadError); next(); });
    c.connect({ port, host: 'x.test', lookup, autoSelectFamily: false });
  };
  next();
});
