'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, log, label, q, watch } = require('./preamble.js');
// ---- scenario ----
// sconn.pipe(up): the server pipes each accepted connection to an upstream
// socket ('up') connected to a sink server ('sink' side: 'sink'). The client
// sends two chunks and ends; the pipe writes them to up, ends up after
// sconn's 'end' and unpipes at up's 'finish'. up sees 'pipe' at once (before
// it is connected); sconn starts flowing.
const sink = net.createServer((k) => {
  watch(k, 'sink');
  k.on('close', () => { sink.close(); server.close(); });
});
const server = net.createServer((c) => {
  log('sconn', 'flowing before watch', q(c.readableFlowing));
  watch(c, 'sconn');
  const up = net.connect(sink.address().port, '127.0.0.1');
  watch(up, 'up');
  up.on('pipe', (src) => log('up', 'pipe', src === c));
  up.on('unpipe', (src) => log('up', 'unpipe', src === c, 'flowing', c.readableFlowing));
  log('sconn', 'pipe returns dest', c.pipe(up) === up);
  log('sconn', 'flowing after pipe', c.readableFlowing);
  up.on('close', () => log('sconn', 'data listeners at up close', c.listenerCount('data')));
});
sink.listen(0, '127.0.0.1', () => {
  label(sink.address().port, 'SINKPORT');
  server.listen(0, '127.0.0.1', () => {
    label(server.address().port, 'PORT');
    const c = net.connect(server.address().port, '127.0.0.1');
    watch(c, 'client');
    c.on('connect', () => {
      c.write('hello ');
      setTimeout(() => c.end('world'), 20);
    });
  });
});
