// node: 26
'use strict';
// node:net conformance scenario (Node >= 26: net.BoundSocket). Trace format:
// see ../README.md.
const { net, fs, log, label, q, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// new net.Socket({handle: boundSocket}): the socket has a handle but reads
// nothing until connect(), which leaves from the bound address and port
// (the server sees it as remotePort) and, for an IP literal, starts the
// attempt inside the call. localAddress/localPort are refused; a Unix one
// needs options.path and its bound path is removed when it closes.
const server = net.createServer((c) => {
  log('server', 'connection remotePort', c.remotePort);
  c.end('hi');
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  label(port, 'PORT');
  const b = new net.BoundSocket({ host: '127.0.0.1' });
  label(b.address().port, 'BPORT');
  const s = new net.Socket({ handle: b });
  log('client', 'before connect: pending', s.pending, 'connecting', s.connecting,
      'readyState', s.readyState, 'address', q(s.address()));
  tryThrow('main', 'bound.address()', () => b.address());
  tryThrow('main', 'second adopter', () => new net.Socket({ handle: b }));
  const s0 = new net.Socket({ handle: new net.BoundSocket({ host: '127.0.0.1' }) });
  tryThrow('main', 'connect with localPort', () => s0.connect({ port, host: '127.0.0.1', localPort: 5 }));
  tryThrow('main', 'connect with localAddress', () => s0.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' }));
  s0.destroy();
  watch(s, 'client');
  s.on('connectionAttempt', (a, p, f) => log('client', 'connectionAttempt', a, p, f));
  s.connect(port, '127.0.0.1');
  log('client', 'connect() returned: localPort', s.localPort, 'connecting', s.connecting);
  s.on('close', () => refused(port));
});

function refused(port) {
  const t = new net.BoundSocket({ host: '127.0.0.1' });
  const cport = t.address().port;
  label(cport, 'CPORT');
  t.close();
  const s = new net.Socket({ handle: new net.BoundSocket({ host: '127.0.0.1' }) });
  watch(s, 'refused');
  s.on('connectionAttempt', (a, p, f) => log('refused', 'connectionAttempt', a, p, f));
  s.connect(cport, '127.0.0.1');
  s.on('close', () => byName(port));
}

function byName(port) {
  const b = new net.BoundSocket({ host: '127.0.0.1' });
  label(b.address().port, 'NPORT');
  const s = new net.Socket({ handle: b });
  watch(s, 'byname');
  s.on('connectionAttempt', (a, p, f) => log('byname', 'connectionAttempt', a, p, f));
  s.connect({ port, host: 'localhost', family: 4 });
  log('byname', 'attempted', q(s.autoSelectFamilyAttemptedAddresses));
  s.on('close', () => wrongFamily(port));
}

function wrongFamily(port) {
  const b = new net.BoundSocket({ host: '::1' });
  label(b.address().port, 'V6PORT');
  const s = new net.Socket({ handle: b });
  watch(s, 'v6');
  s.on('connectionAttempt', (a, p, f) => log('v6', 'connectionAttempt', a, p, f));
  s.connect(port, '127.0.0.1');
  s.on('close', () => server.close(unixPart));
}

function unixPart() {
  const sp = tmpPath('srv.sock');
  const cp = sp.replace('srv.sock', 'cli.sock');
  const us = net.createServer((c) => c.end('x'));
  us.listen(sp, () => {
    const s0 = new net.Socket({ handle: new net.BoundSocket({ path: cp + '0' }) });
    tryThrow('main', 'unix connect without path', () => s0.connect({ port: 80 }));
    s0.destroy();
    const s = new net.Socket({ handle: new net.BoundSocket({ path: cp }) });
    log('unix', 'bound file exists', fs.existsSync(cp));
    watch(s, 'unix');
    s.connect({ path: sp });
    s.on('close', () => {
      log('unix', 'after close: bound file exists', fs.existsSync(cp), fs.existsSync(cp + '0'));
      us.close();
    });
  });
}
