// Node v20 twin of bench_connect.c (Node's sequential autoSelectFamily).
// usage: node bench_connect.js blackhole|good [runs]
'use strict';
const net = require('net');
const hole = process.argv[2] === 'blackhole';
const runs = +(process.argv[3] || 5);
const sinks = [];
function listen(host, port, backlog) {
  return new Promise((res) => { const s = net.createServer(() => {}); s.listen({ host, port, backlog }, () => res(s)); sinks.push(s); });
}
(async () => {
  let port, answers;
  if (hole) {
    const h = await listen('127.0.0.2', 0, 0);
    port = h.address().port;
    h.close(); // keep port; make a real blackhole with a raw filler below
    const b = net.createServer(); b.listen({ host: '127.0.0.2', port, backlog: 0 });
    b.on('connection', () => {}); b.pause && 0;
    await new Promise((r) => b.on('listening', r));
    b._handle.onconnection = () => {}; // never accept
    await new Promise((r) => { const f = net.connect(port, '127.0.0.2', r); sinks.push(f); });
    await listen('127.0.0.1', port, 64);
    answers = [{ address: '127.0.0.2', family: 4 }, { address: '127.0.0.1', family: 4 }];
    sinks.push(b);
  } else {
    const a = await listen('127.0.0.1', 0, 64);
    port = a.address().port;
    await listen('::1', port, 64);
    answers = [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }];
  }
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((r) => {
      const c = net.connect({ port, host: 'bench.test', autoSelectFamily: true,
        lookup: (h, o, cb) => cb(null, answers) }, () => { ms.push(Number(process.hrtime.bigint() - t0) / 1e6); c.destroy(); r(); });
    });
  }
  ms.sort((a, b) => a - b);
  console.log(ms[runs >> 1].toFixed(2));
  process.exit(0);
})();
