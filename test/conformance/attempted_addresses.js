'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// socket.autoSelectFamilyAttemptedAddresses: "IP:PORT" of every address
// tried, the connected one last; read in 'connectionAttemptFailed',
// 'connect', 'error' and 'close' (it survives destroy). Undefined when
// autoSelectFamily did not run (one distinct address, autoSelectFamily
// off, family pinned). All-fail gives one AggregateError with each
// attempt's error.
const A = (address, family) => ({ address, family });
const runs = [
  ['refused-then-good', [A('127.0.0.2', 4), A('127.0.0.1', 4)], {}],
  ['good-first', [A('127.0.0.1', 4), A('127.0.0.2', 4)], {}],
  ['all-fail', [A('127.0.0.2', 4), A('::1', 6), A('127.0.0.3', 4)], {}],
  ['one-distinct', [A('127.0.0.1', 4), A('127.0.0.1', 4)], {}],
  ['single-refused', [A('127.0.0.2', 4)], {}],
  ['autoselect-off', [A('127.0.0.2', 4), A('127.0.0.1', 4)], { autoSelectFamily: false }],
  ['family-4', [A('127.0.0.2', 4), A('127.0.0.1', 4)], { family: 4 }],
];
const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  label(port, 'PORT');
  let i = 0;
  const next = () => {
    if (i >= runs.length) { server.close(); return; }
    const [name, answer, extra] = runs[i++];
    const L = (...a) => log('client', name, ...a);
    // With all=false Node's lookup answers (err, address, family).
    const lookup = (h, o, cb) => {
      L('lookup-called', q(h), q(o.family ?? 0), q(o.hints), q(!!o.all));
      if (o.all) cb(null, answer);
      else cb(null, answer[0].address, answer[0].family);
    };
    const c = new net.Socket();
    const att = () => q(c.autoSelectFamilyAttemptedAddresses);
    c.on('connectionAttemptFailed', (a, p, f, e) => L('connectionAttemptFailed', a, fmtErr(e), 'attempted', att()));
    c.on('connect', () => { L('connect', c.remoteAddress, 'attempted', att()); c.destroy(); });
    c.on('error', (e) => {
      L('error', fmtErr(e), 'attempted', att());
      for (const part of e.errors || []) L('error-part', fmtErr(part));
    });
    c.on('close', (hadError) => { L('close', hadError, 'attempted', att()); next(); });
    c.connect({ port, host: 'x.test', lookup, autoSelectFamily: true, ...extra });
  };
  next();
});
