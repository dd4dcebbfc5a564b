'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, log, label, fmtErr, watch } = require('./preamble.js');
const { pipeline } = require('node:stream');
// ---- scenario ----
// stream.pipeline(sconn, up, cb): the server pipes each accepted connection
// to an upstream socket ('up'). Once the sink has the client's bytes, up is
// destroyed with an error: up unpipes (its pipe 'error' listener runs first),
// emits 'error', the pipeline destroys sconn with the same error, and the
// callback runs once with it, after both 'error's and before the 'close's.
// The client gets an orderly FIN (sconn had nothing unread).
let sconnRef;
const sink = net.createServer((k) => {
  watch(k, 'sink', { noTotal: true });
  k.on('data', () => {
    const e = new Error('upstream failed');
    e.code = 'EUPSTREAM';
    upRef.destroy(e);
  });
});
let upRef;
const server = net.createServer((c) => {
  sconnRef = c;
  watch(c, 'sconn');
  const up = upRef = net.connect(sink.address().port, '127.0.0.1');
  watch(up, 'up');
  up.on('pipe', () => log('up', 'pipe'));
  up.on('unpipe', () => log('up', 'unpipe'));
  // One actor for the order across the two sockets.
  for (const [s, n] of [[c, 'sconn'], [up, 'up']]) {
    s.on('error', () => log('order', n, 'error'));
    s.on('close', () => log('order', n, 'close'));
  }
  let calls = 0;
  pipeline(c, up, (err) => {
    calls++;
    log('order', 'callback');
    log('main', 'pipeline callback', calls, err ? fmtErr(err) : 'null',
        'destroyed', c.destroyed, up.destroyed);
    sink.close();
    server.close();
  });
});
sink.listen(0, '127.0.0.1', () => {
  label(sink.address().port, 'SINKPORT');
  server.listen(0, '127.0.0.1', () => {
    label(server.address().port, 'PORT');
    const c = net.connect(server.address().port, '127.0.0.1');
    watch(c, 'client');
    c.on('connect', () => c.write('hello'));
    c.on('end', () => c.end());
  });
});
