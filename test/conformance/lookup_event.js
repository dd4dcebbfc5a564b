'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// 'lookup' fires for host names (err, address, family, host) before 'connect';
// it does not fire for IP literals. autoSelectFamily:false path too.
const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  label(port, 'PORT');
  const runs = [
    // autoSelectFamily pinned (v20's default is true; it changed across versions).
    ['host=localhost', { port, host: 'localhost', autoSelectFamily: true }],
    ['host=localhost autoSelectFamily=false', { port, host: 'localhost', autoSelectFamily: false }],
    ['host=localhost family=4', { port, host: 'localhost', family: 4, autoSelectFamily: true }],
    ['host=127.0.0.1', { port, host: '127.0.0.1', autoSelectFamily: true }],
    ['no host (defaults to localhost)', { port, autoSelectFamily: true }],
  ];
  let i = 0;
  const next = () => {
    if (i >= runs.length) { server.close(); return; }
    const [name, opts] = runs[i++];
    const c = new net.Socket();
    c.on('lookup', (err, addr, fam, host) => log('client', name, 'lookup', q(err), q(addr), q(fam), q(host)));
    c.on('connect', () => log('client', name, 'connect', c.remoteAddress));
    c.on('close', next);
    c.resume();
    c.connect(opts);
  };
  next();
});
