'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// setEncoding utf16le / base64 / hex with the bytes split across two reads
// (two writes 100 ms apart): a surrogate pair cut in half, base64 groups
// cut mid-way. Each decoder holds back what it cannot finish yet.
const chunks = [Buffer.from([0x41, 0x00, 0x3d, 0xd8]), Buffer.from([0x00, 0xde, 0x42])];
const server = net.createServer((c) => {
  c.write(chunks[0]);
  setTimeout(() => c.end(chunks[1]), 100);
  c.resume();
  c.on('close', () => { if (++closed === 3) server.close(); });
});
let closed = 0;
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  for (const enc of ['utf16le', 'base64', 'hex']) {
    const c = net.connect(server.address().port, '127.0.0.1');
    log(enc, 'setEncoding returns this', c.setEncoding(enc) === c);
    watch(c, enc, { eachData: true, enc, skip: ['connect', 'ready', 'finish'] });
  }
});
