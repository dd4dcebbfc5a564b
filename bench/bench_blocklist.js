'use strict';
// Node twin of bench_blocklist.c: BlockList.check() with 1 .. 1,000,000 mixed
// rules (same generator, same probes), and net.isIP. One line per case:
//   check <rules> <ns/check string> <ns/check SocketAddress> <iterations>
//   isip <ns/call>
// Node scans rules linearly, so for 1,000,000 rules the iterations are
// capped (the line says how many were run).
const net = require('net');
const sizes = (process.argv[2] || '1,100,10000,1000000').split(',').map(Number);

let state = 12345;
const rnd = (n) => { // xorshift32, identical in the C twin
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state % n;
};
const v4 = () => `${rnd(223) + 1}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
const hex = () => rnd(65536).toString(16);
const v6 = () => `2001:db8:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}`;

function build(n) {
  const bl = new net.BlockList();
  for (let i = 0; i < n; i++) {
    switch (i % 6) {
      case 0: bl.addAddress(v4(), 'ipv4'); break;
      case 1: bl.addAddress(v6(), 'ipv6'); break;
      case 2: { const a = `${rnd(223) + 1}.${rnd(256)}.${rnd(256)}`;
        bl.addRange(`${a}.10`, `${a}.20`, 'ipv4'); break; }
      case 3: { const p = `2001:db8:${hex()}:${hex()}::`;
        bl.addRange(`${p}1`, `${p}ff`, 'ipv6'); break; }
      case 4: bl.addSubnet(`${rnd(223) + 1}.${rnd(256)}.0.0`, 24 + rnd(8), 'ipv4'); break;
      case 5: bl.addSubnet(`2001:db8:${hex()}::`, 48 + rnd(64), 'ipv6'); break;
    }
  }
  return bl;
}

function nsPer(iters, fn) {
  const t0 = process.hrtime.bigint();
  fn(iters);
  return Number(process.hrtime.bigint() - t0) / iters;
}

let sink = 0;
for (const n of sizes) {
  state = 12345;
  const bl = build(n);
  const probes = [];
  for (let i = 0; i < 64; i++) probes.push(v4());
  const sas = probes.map((address) => new net.SocketAddress({ address }));
  // about 0.3 s of work per case, at least 64 checks
  let iters = Math.max(64, Math.min(2e6, Math.floor(3e7 / (n + 10))));
  if (n >= 1000000) iters = 64;
  nsPer(Math.min(iters, 1000), (k) => { for (let i = 0; i < k; i++) sink += bl.check(probes[i & 63]); });
  const s = nsPer(iters, (k) => { for (let i = 0; i < k; i++) sink += bl.check(probes[i & 63]) ? 1 : 0; });
  const a = nsPer(iters, (k) => { for (let i = 0; i < k; i++) sink += bl.check(sas[i & 63]) ? 1 : 0; });
  console.log(`check ${n} ${s.toFixed(1)} ${a.toFixed(1)} ${iters}`);
}

state = 777;
const mix = [];
for (let i = 0; i < 16; i++) { mix.push(v4()); mix.push(v6()); }
mix.push('::1', '::ffff:127.0.0.1', 'fe80::1%eth0', 'not-an-ip', '256.1.1.1', '1.2.3', '', 'example.com');
const m = mix.length;
nsPer(1e5, (k) => { for (let i = 0; i < k; i++) sink += net.isIP(mix[i % m]); });
console.log(`isip ${nsPer(3e6, (k) => { for (let i = 0; i < k; i++) sink += net.isIP(mix[i % m]); }).toFixed(1)}`);
if (sink === -1) console.log(sink);
