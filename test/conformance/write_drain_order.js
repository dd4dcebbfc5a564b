'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// ('ready' is left out: Node emits it between the write callbacks.)
// Writes queued while connecting with highWaterMark 16: write() returns
// true below the mark and false at it; once connected, 'drain' and the
// write callbacks run (in Node's order), then end(cb) and 'finish'.
const server = net.createServer((c) => {
  watch(c, 'sconn');
  c.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  const c = new net.Socket({ highWaterMark: 16 });
  watch(c, 'client', { noTotal: true, skip: ['ready'] });
  c.connect({ port: server.address().port, host: '127.0.0.1' });
  for (const [i, s] of [[1, 'aaaaaaaaaa'], [2, 'bbbbbbbbbb'], [3, 'cccc']]) {
    const r = c.write(s, (err) => log('client', `write cb #${i}`, err ? fmtErr(err) : 'ok', 'writableLength', c.writableLength));
    log('client', `write #${i} returned`, r, 'writableLength', c.writableLength);
  }
  c.on('drain', () => {
    log('client', 'drain writableLength', c.writableLength);
    c.end('z', () => log('client', 'end cb'));
  });
});
