'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// Node's autoSelectFamily algorithm (internalConnectMultiple): one attempt
// at a time, abandoned after autoSelectFamilyAttemptTimeout (pinned to
// 100 ms here) with 'connectionAttemptTimeout' and an ETIMEDOUT entry in
// the AggregateError; the last address gets no timer. nodenet pins
// happy_eyeballs_mode = sequential. 127.0.0.2:PORT is a blackhole (a
// listener with a full accept queue drops SYNs; made by a perl child, as
// Node cannot leave a connection unaccepted), 127.0.0.3:PORT refuses,
// 127.0.0.1:PORT is the server.
const { spawn } = require('node:child_process');
const HOLE = `use Socket; socket(L, PF_INET, SOCK_STREAM, 0) or die;
  bind(L, pack_sockaddr_in($ARGV[1], inet_aton($ARGV[0]))) or die "bind $!";
  listen(L, 0) or die; socket(F, PF_INET, SOCK_STREAM, 0) or die;
  connect(F, getsockname(L)) or die; $| = 1; print "ready\\n"; <STDIN>;`;
const A = (address, family) => ({ address, family });
const hole = A('127.0.0.2', 4), refused = A('127.0.0.3', 4), good = A('127.0.0.1', 4);
const runs = [
  ['hole-then-good', [hole, good]],
  ['hole-then-refused', [hole, refused]],
  ['hole-refused-good', [hole, refused, good]],
  ['refused-then-hole', [refused, hole]],
  ['destroy-in-timeout', [hole, good]],
];
const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  label(port, 'PORT');
  const perl = spawn('perl', ['-e', HOLE, '127.0.0.2', String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let i = 0;
  const next = () => {
    if (i >= runs.length) { server.close(); perl.stdin.end(); return; }
    const [name, answer] = runs[i++];
    const L = (...a) => log('client', name, ...a);
    const c = new net.Socket();
    const att = () => q(c.autoSelectFamilyAttemptedAddresses);
    c.on('connectionAttempt', (a, p, f) => L('connectionAttempt', a, p, f));
    c.on('connectionAttemptFailed', (a, p, f, e) => L('connectionAttemptFailed', a, p, f, fmtErr(e)));
    c.on('connectionAttemptTimeout', (a, p, f) => {
      L('connectionAttemptTimeout', a, p, f);
      if (name === 'destroy-in-timeout') c.destroy();
    });
    c.on('connect', () => { L('connect', c.remoteAddress, 'attempted', att()); c.destroy(); });
    c.on('error', (e) => {
      L('error', fmtErr(e));
      for (const part of e.errors || []) L('error-part', fmtErr(part));
    });
    // The last address has no attempt timer: give up on the blackhole.
    const giveUp = setTimeout(() => { L('destroy'); c.destroy(); }, 400);
    c.on('close', (hadError) => { clearTimeout(giveUp); L('close', hadError, 'attempted', att()); next(); });
    const lookup = (h, o, cb) => {
      L('lookup-called', q(h), q(o.family ?? 0), q(o.hints), q(!!o.all));
      cb(null, answer);
    };
    c.connect({ port, host: 'x.test', lookup,
      autoSelectFamily: true, autoSelectFamilyAttemptTimeout: 100 });
  };
  perl.stdout.once('data', next);
});
