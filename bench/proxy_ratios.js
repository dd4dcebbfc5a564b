'use strict';
// proxy_ratios.js RAW.jsonl: bench/proxy.sh's table. Rates per proxy, then
// the ratios the splice path is judged by, each taken within one round
// (same conditions) and the median over rounds printed. Rates: higher is
// better; server µs/op (the proxy process's CPU): lower is better.
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n')
  .filter((l) => l.trim()).map((l) => { try { return JSON.parse(l); } catch { return null; } })
  .filter(Boolean).filter((x) => x.kind === 'load');
const med = (a) => {
  const b = a.filter(Number.isFinite).sort((x, y) => x - y);
  if (!b.length) return NaN;
  const m = b.length >> 1;
  return b.length % 2 ? b[m] : (b[m - 1] + b[m]) / 2;
};
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const rate = (x) => x.rtt_per_s ?? x.conns_per_s ?? x.rx_MBps;
const unit = (x) => (x.rtt_per_s !== undefined ? 'round trips/s' : x.conns_per_s !== undefined ? 'conns/s' : 'MB/s echoed');
const ops = (x) => x.round_trips ?? x.connections ?? (x.rx_bytes !== undefined ? x.rx_bytes / 1e6 : NaN);
const usPerOp = (x) => (x.server_cpu_s * 1e6) / ops(x);
const proxies = ['nodenet-splice', 'nodenet-copy', 'hand-copy', 'node-proxy'];
const wls = [...new Set(rows.map((x) => x.wl))];
const by = (wl, s) => rows.filter((x) => x.wl === wl && x.server === s);
const ratio = (wl, a, b, fn) => med(by(wl, a).map((x) => {
  const y = by(wl, b).find((z) => z.round === x.round);
  return y ? fn(x) / fn(y) : NaN;
}));
const out = [];
out.push(`| workload | unit | ${proxies.join(' | ')} | uv (no proxy) |`);
out.push(`|---|---|${proxies.map(() => '---:').join('|')}|---:|`);
for (const wl of wls) {
  const any = rows.find((x) => x.wl === wl);
  const cell = (s) => f(med(by(wl, s).map(rate)), 0);
  out.push(`| ${wl} | ${unit(any)} | ${proxies.map(cell).join(' | ')} | ${cell('uv')} |`);
}
out.push('');
out.push('| workload | splice ×copy | splice ×hand-copy | splice ×node | copy ×node | srv µs/op splice | copy | hand-copy | node | CPU/op splice ×copy |');
out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const wl of wls) {
  const us = (s) => f(med(by(wl, s).map(usPerOp)), 1);
  out.push(`| ${wl} | ${f(ratio(wl, 'nodenet-splice', 'nodenet-copy', rate))} | ` +
    `${f(ratio(wl, 'nodenet-splice', 'hand-copy', rate))} | ${f(ratio(wl, 'nodenet-splice', 'node-proxy', rate))} | ` +
    `${f(ratio(wl, 'nodenet-copy', 'node-proxy', rate))} | ${proxies.map(us).join(' | ')} | ` +
    `${f(ratio(wl, 'nodenet-splice', 'nodenet-copy', usPerOp))} |`);
}
out.push('');
out.push('Targets (issue 13 §2): stream-c1 splice ≥ 1.3× copy and ≥ 2× node; pp-c50 through the proxy ≥ 1.5× node.');
console.log(out.join('\n'));
