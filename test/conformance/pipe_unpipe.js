'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, log, label, q, watch } = require('./preamble.js');
// ---- scenario ----
// sconn.pipe(up, {end: false}); once the sink has the first chunk,
// sconn.unpipe(up): up gets 'unpipe' and sconn is paused. The client's
// second chunk (and the client's FIN) waits in sconn (readableLength)
// until resume(), then goes to sconn's own 'data' listener only. With the
// pipe gone and {end: false}, sconn's 'end' does not end up: the server
// ends it itself.
let up, client;
const sink = net.createServer((k) => {
  watch(k, 'sink');
  k.once('data', () => {
    sconnRef.unpipe(up);
    log('sconn', 'after unpipe flowing', q(sconnRef.readableFlowing), 'paused', sconnRef.isPaused());
    sconnRef.unpipe(up); // no pipe left: nothing happens
    client.end('two');
    setTimeout(() => {
      log('sconn', 'readableLength before resume', sconnRef.readableLength);
      sconnRef.resume();
    }, 100);
  });
  k.on('close', () => { sink.close(); server.close(); });
});
let sconnRef;
const server = net.createServer((c) => {
  sconnRef = c;
  c.on('data', (d) => log('sconn', 'own data', q(d.toString('latin1'))));
  c.on('end', () => { log('sconn', 'end: up.writableEnded', up.writableEnded); up.end(); });
  c.on('close', () => log('sconn', 'close'));
  up = net.connect(sink.address().port, '127.0.0.1');
  watch(up, 'up');
  up.on('pipe', () => log('up', 'pipe'));
  up.on('unpipe', () => log('up', 'unpipe'));
  c.pipe(up, { end: false });
});
sink.listen(0, '127.0.0.1', () => {
  label(sink.address().port, 'SINKPORT');
  server.listen(0, '127.0.0.1', () => {
    label(server.address().port, 'PORT');
    client = net.connect(server.address().port, '127.0.0.1');
    client.on('connect', () => client.write('one'));
    client.on('data', () => {});
    client.on('close', () => log('client', 'close'));
  });
});
