// Node v20 twin of bench_connect.c (Node's sequential autoSelectFamily,
// default 250 ms attempt timeout), against the same peer.
// usage: node bench_connect.js blackhole|slow|good runs PEER_PORT
//        (fds 3/4: the peer's stdin/stdout, used by "slow")
'use strict';
const net = require('net');
const fs = require('fs');
const [sc, runsArg, portArg] = process.argv.slice(2);
const runs = +runsArg, port = +portArg;
const A = (address, family) => ({ address, family });
const answers = {
  blackhole: [A('127.0.0.2', 4), A('127.0.0.1', 4)],
  slow: [A('127.0.0.3', 4), A('127.0.0.4', 4)],
  good: [A('127.0.0.1', 4), A('::1', 6)],
}[sc];
function arm() {
  fs.writeSync(3, 'arm\n');
  const b = Buffer.alloc(16);
  fs.readSync(4, b, 0, 3, null); // "ok\n"
}
(async () => {
  const ms = [];
  let failed = 0;
  for (let i = 0; i < runs; i++) {
    if (sc === 'slow') arm();
    const t0 = process.hrtime.bigint();
    await new Promise((r) => {
      const c = net.connect({ port, host: 'bench.test', autoSelectFamily: true,
        lookup: (h, o, cb) => cb(null, answers) }, () => { stop(); c.destroy(); });
      let t1;
      const stop = () => { t1 = process.hrtime.bigint(); };
      c.on('error', () => { stop(); failed++; });
      c.on('close', () => { ms.push(Number(t1 - t0) / 1e6); r(); });
    });
  }
  ms.sort((a, b) => a - b);
  const med = ms[runs >> 1];
  console.log(failed * 2 > runs ? `fail(${med.toFixed(0)})` : med.toFixed(2));
  process.exit(0);
})();
