'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// readyState through a half-close, both sides allowHalfOpen=true:
// opening -> open -> readOnly (client ended) / writeOnly (server got FIN)
// -> closed.
const server = net.createServer({ allowHalfOpen: true }, (c) => {
  log('sconn', 'connection readyState', c.readyState);
  c.on('end', () => {
    log('sconn', 'end readyState', c.readyState);
    c.end('x', () => log('sconn', 'end cb readyState', c.readyState));
  });
  c.on('close', () => { log('sconn', 'close readyState', c.readyState); server.close(); });
  c.resume();
});
server.listen(0, '127.0.0.1', () => {
  label(server.address().port, 'PORT');
  const c = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true });
  log('client', 'initial readyState', c.readyState);
  c.on('connect', () => {
    log('client', 'connect readyState', c.readyState);
    c.end(() => log('client', 'end cb readyState', c.readyState));
    log('client', 'after end() readyState', c.readyState);
  });
  c.on('data', (d) => log('client', 'data', q(d)));
  c.on('end', () => log('client', 'end readyState', c.readyState));
  c.on('close', () => log('client', 'close readyState', c.readyState));
});
