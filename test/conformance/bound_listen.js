// node: 26
'use strict';
// node:net conformance scenario (Node >= 26: net.BoundSocket). Trace format:
// see ../README.md.
const { net, fs, log, label, q, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// server.listen(boundSocket) and listen({handle: boundSocket}): the server
// takes the bound descriptor (listening at once, on the bound address) and
// the bound socket becomes an adopted shell. A Unix one's path is the
// server's address() and is removed when the server closes. An aborted
// signal is not looked at on this path.
const b = new net.BoundSocket({ host: '127.0.0.1' });
const port = b.address().port;
label(port, 'PORT');
const server = net.createServer((c) => {
  log('server', 'connection');
  watch(c, 'sconn');
  c.end('hi');
});
server.on('listening', () => log('server', 'listening event'));
server.on('close', () => log('server', 'close'));
tryThrow('main', 'listen(bound)', () => server.listen(b));
log('main', 'listening', server.listening, 'address', q(server.address()));
tryThrow('main', 'bound.address()', () => b.address());
tryThrow('main', 'bound.fd()', () => b.fd());
tryThrow('main', 'bound.close()', () => b.close());
const other = net.createServer();
tryThrow('main', 'other.listen(adopted)', () => other.listen({ handle: b }));
log('main', 'other listening', other.listening);
const fresh = new net.BoundSocket({ host: '127.0.0.1' });
tryThrow('main', 'listen again', () => server.listen(fresh));
log('main', 'fresh still usable', fresh.address().address);
fresh.close();

const c = net.connect(port, '127.0.0.1');
watch(c, 'client');
c.resume();
c.on('close', () => server.close(unixPart));

function unixPart() {
  const p = tmpPath('srv.sock');
  const pb = new net.BoundSocket({ path: p });
  const us = net.createServer((sc) => { log('unix', 'connection'); sc.end(); });
  us.listen({ handle: pb }, () => {
    log('unix', 'listening', q(us.address()), 'exists', fs.existsSync(p));
    const uc = net.connect(p);
    uc.resume();
    uc.on('end', () => log('unix', 'client end'));
    uc.on('close', () => us.close(() => {
      log('unix', 'closed, exists', fs.existsSync(p));
      signalPart();
    }));
  });
}

function signalPart() {
  const ac = new AbortController();
  ac.abort();
  const ss = net.createServer();
  ss.on('close', () => log('signal', 'close'));
  ss.listen({ handle: new net.BoundSocket({ host: '127.0.0.1' }), signal: ac.signal }, () => {
    log('signal', 'listening', ss.listening);
    setTimeout(() => { log('signal', 'still listening', ss.listening); ss.close(); }, 20);
  });
}
