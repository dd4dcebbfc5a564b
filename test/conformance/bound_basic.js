// node: 26
'use strict';
// node:net conformance scenario (Node >= 26: net.BoundSocket). Trace format:
// see ../README.md.
const { net, fs, log, label, q, tryThrow, tmpPath } = require('./preamble.js');
// ---- scenario ----
// new net.BoundSocket(): the bind happens in the constructor, so argument
// errors and EADDRINUSE are thrown; address() / isPipe / close(); after
// close() every method throws ERR_SOCKET_HANDLE_ADOPTED; closing a Unix one
// removes its file. System errors are logged as their code (the C API
// returns the code; Node's message adds the address).
function sysThrow(what, fn) {
  try { fn(); log('main', what, 'ok'); } catch (e) { log('main', what, 'throws', `code=${e.code}`); }
}
const b = new net.BoundSocket();
label(b.address().port, 'BPORT');
log('main', 'default address', q(b.address()), 'isPipe', b.isPipe, 'fd>=0', b.fd() >= 0);
tryThrow('main', 'close', () => b.close());
tryThrow('main', 'close again', () => b.close());
tryThrow('main', 'address after close', () => b.address());
tryThrow('main', 'fd after close', () => b.fd());
const v6 = new net.BoundSocket({ ipv6Only: true });
label(v6.address().port, 'V6PORT');
log('main', 'ipv6Only address', q(v6.address()));
v6.close();
tryThrow('main', 'host localhost', () => new net.BoundSocket({ host: 'localhost' }));
tryThrow('main', 'host empty', () => new net.BoundSocket({ host: '' }));
tryThrow('main', 'port 65536', () => new net.BoundSocket({ port: 65536 }));
const p = tmpPath('b.sock');
tryThrow('main', 'path and port', () => new net.BoundSocket({ path: p, port: 0 }));
tryThrow('main', 'path and reusePort', () => new net.BoundSocket({ path: p, reusePort: true }));

// A port that is only bound elsewhere is free (SO_REUSEADDR); a listening
// one is not, unless both sides asked for reusePort.
const a = new net.BoundSocket({ host: '127.0.0.1' });
const port = a.address().port;
label(port, 'PORT');
sysThrow('bound-only port', () => new net.BoundSocket({ host: '127.0.0.1', port }).close());
const server = net.createServer();
server.listen(a, () => {
  sysThrow('listening port', () => new net.BoundSocket({ host: '127.0.0.1', port }));
  sysThrow('listening port, reusePort', () => new net.BoundSocket({ host: '127.0.0.1', port, reusePort: true }));
  server.close(() => log('server', 'close'));
  const r = new net.BoundSocket({ host: '127.0.0.1', reusePort: true });
  const rport = r.address().port;
  label(rport, 'RPORT');
  const rs = net.createServer().listen(r, () => {
    sysThrow('reusePort on both', () => new net.BoundSocket({ host: '127.0.0.1', port: rport, reusePort: true }).close());
    rs.close();
  });

  // Unix path: reserved at construction, removed by close().
  const pb = new net.BoundSocket({ path: p });
  log('main', 'path address', q(pb.address()), 'isPipe', pb.isPipe, 'exists', fs.existsSync(p));
  sysThrow('path in use', () => new net.BoundSocket({ path: p }));
  tryThrow('main', 'close path', () => pb.close());
  log('main', 'after close exists', fs.existsSync(p), 'isPipe', pb.isPipe);
  tryThrow('main', 'path address after close', () => pb.address());
  sysThrow('path too long', () => new net.BoundSocket({ path: '/' + 'x'.repeat(108) }));
  sysThrow('path with NUL', () => new net.BoundSocket({ path: '/tmp/a\0b' }));
  sysThrow('missing directory', () => new net.BoundSocket({ path: p + '.d/x.sock' }));
  const abs = `\0nnet-bound-basic-${process.pid}`;
  label(process.pid, 'PID');
  const ab = new net.BoundSocket({ path: abs });
  log('main', 'abstract address', q(ab.address()));
  sysThrow('abstract in use', () => new net.BoundSocket({ path: abs }));
  ab.close();
  const auto = new net.BoundSocket({ path: '' });
  log('main', 'autobind address', q(auto.address()));
  auto.close();
});
