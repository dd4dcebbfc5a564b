'use strict';
// proxy_node.js PORT TARGET_PORT [UNIXPATH]: Node's proxy idiom,
// client.pipe(upstream) and upstream.pipe(client), for bench/proxy.sh.
// An error or close on either side destroys the other. UNIXPATH is ignored.
const net = require('net');
const [port, target] = process.argv.slice(2, 4).map(Number);
net.createServer({ allowHalfOpen: true }, (c) => {
  const u = net.connect({ port: target, host: '127.0.0.1', allowHalfOpen: true });
  c.pipe(u);
  u.pipe(c);
  for (const [a, b] of [[c, u], [u, c]]) {
    a.on('error', () => {});
    a.on('close', () => b.destroy());
  }
}).listen(port, '127.0.0.1', 511);
