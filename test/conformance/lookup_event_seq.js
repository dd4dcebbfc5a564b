'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// A custom `lookup` answering several addresses with autoSelectFamily on
// (Node's lookupAndConnectMultiple): one 'lookup' per answer, invalid or
// duplicate answers dropped, families interleaved starting with the first
// valid answer's, and the connectionAttempt* events per address. Refused
// addresses (127.0.0.2/3 and ::1 on the server's port) fail at once, so the
// sequence is the same for Node's sequential and nodenet's racing mode.
const A = (address, family) => ({ address, family });
const runs = [
  ['two', [A('127.0.0.2', 4), A('127.0.0.1', 4)]],
  ['interleave', [A('127.0.0.2', 4), A('::1', 6), A('127.0.0.3', 4), A('127.0.0.1', 4)]],
  ['v6-first', [A('::1', 6), A('127.0.0.2', 4), A('::1', 6), A('127.0.0.1', 4)]],
  ['dup', [A('127.0.0.1', 4), A('127.0.0.1', 4)]],
  ['bad-in-list', [A('foo', 4), A('127.0.0.1', 4)]],
  ['badfam-in-list', [A('127.0.0.2', 5), A('127.0.0.1', 4)]],
  ['all-invalid', [A('foo', 4), A('bar', 4)]],
  ['all-badfam', [A('127.0.0.1', 5), A('127.0.0.2', 7)]],
  ['enotfound', null],
  ['destroy-in-lookup', [A('127.0.0.2', 4), A('127.0.0.1', 4)]],
];
const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  label(port, 'PORT');
  let i = 0;
  const next = () => {
    if (i >= runs.length) { server.close(); return; }
    const [name, answer] = runs[i++];
    const L = (...a) => log('client', name, ...a);
    const lookup = (h, o, cb) => {
      L('lookup-called', q(h), q(o.family ?? 0), q(o.hints), q(!!o.all));
      if (answer === null) {
        cb(Object.assign(new Error('getaddrinfo ENOTFOUND x.test'),
          { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'x.test' }));
      } else {
        cb(null, answer);
      }
    };
    const c = new net.Socket();
    c.on('lookup', (err, addr, fam, host) => {
      L('lookup', err ? fmtErr(err) : 'null', q(addr), q(fam), q(host));
      if (name === 'destroy-in-lookup') c.destroy();
    });
    c.on('connectionAttempt', (a, p, f) => L('connectionAttempt', a, p, f));
    c.on('connectionAttemptFailed', (a, p, f, e) => L('connectionAttemptFailed', a, p, f, fmtErr(e)));
    c.on('connectionAttemptTimeout', (a, p, f) => L('connectionAttemptTimeout', a, p, f));
    c.on('connect', () => { L('connect', c.remoteAddress, c.remotePort); c.destroy(); });
    c.on('error', (e) => {
      L('error', fmtErr(e));
      for (const part of e.errors || []) L('error-part', fmtErr(part));
    });
    c.on('close', (hadError) => { L('close', hadError); next(); });
    c.connect({ port, host: 'x.test', lookup, autoSelectFamily: true });
  };
  next();
});
