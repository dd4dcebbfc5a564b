'use strict';
// ratios.js RAW.jsonl: nodenet against raw libuv and Node, per workload.
// Each ratio is taken within one round (same conditions) and the median over
// rounds is printed. Rates: higher is better; srv µs/op: lower is better.
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n')
  .filter((l) => l.trim()).map((l) => { try { return JSON.parse(l); } catch { return null; } })
  .filter(Boolean);
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
const load = rows.filter((x) => x.kind === 'load');
const wls = [...new Set(load.map((x) => x.wl))];
const others = ['uv', 'node-pipe', 'node-data'];
const out = [];
out.push('| workload | unit | nodenet | uv | node-pipe | node-data | ×uv | ×node-pipe | ×node-data | srv µs/op nodenet | srv µs/op uv | CPU/op ×uv |');
out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const wl of wls) {
  const by = (s) => load.filter((x) => x.wl === wl && x.server === s);
  const nn = by('nodenet');
  if (!nn.length) continue;
  const ratio = (s, fn) => med(nn.map((a) => {
    const b = by(s).find((y) => y.round === a.round);
    return b ? fn(a) / fn(b) : NaN;
  }));
  const cell = (s) => f(med(by(s).map(rate)), 0);
  out.push(`| ${wl} | ${unit(nn[0])} | ${cell('nodenet')} | ${others.map(cell).join(' | ')} | ` +
    `${others.map((s) => f(ratio(s, rate))).join(' | ')} | ${f(med(nn.map(usPerOp)), 1)} | ` +
    `${f(med(by('uv').map(usPerOp)), 1)} | ${f(ratio('uv', usPerOp))} |`);
}
const idle = rows.filter((x) => x.kind === 'idle');
if (idle.length) {
  out.push('');
  out.push('| idle memory | RSS per connection (bytes) | ×uv |');
  out.push('|---|---:|---:|');
  const per = (s) => med(idle.filter((x) => x.server === s).map((x) => ((x.rss1_kB - x.rss0_kB) * 1024) / (x.established || x.n || 10000)));
  for (const s of ['nodenet', ...others]) out.push(`| ${s} | ${f(per(s), 0)} | ${f(per(s) / per('uv'))} |`);
}
// The multi-loop server (echo --threads 2) against today's one-loop server,
// and today's server against the previous build (nodenet-old) when the run
// has it; ratios within a round: throughput and server CPU per operation.
for (const [a, b] of [['nodenet-2loops', 'nodenet'], ['nodenet', 'nodenet-old']]) {
  if (!load.some((x) => x.server === a) || !load.some((x) => x.server === b)) continue;
  out.push('');
  out.push(`| workload | ${b} | ${a} | ${a} ×${b} | srv µs/op ${b} | srv µs/op ${a} | CPU/op ${a} ×${b} |`);
  out.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const wl of wls) {
    const base = load.filter((x) => x.wl === wl && x.server === b);
    const cand = load.filter((x) => x.wl === wl && x.server === a);
    if (!base.length || !cand.length) continue;
    const ratio = (fn) => med(cand.map((x) => {
      const y = base.find((z) => z.round === x.round);
      return y ? fn(x) / fn(y) : NaN;
    }));
    out.push(`| ${wl} | ${f(med(base.map(rate)), 0)} | ${f(med(cand.map(rate)), 0)} | ${f(ratio(rate))} | ` +
      `${f(med(base.map(usPerOp)), 1)} | ${f(med(cand.map(usPerOp)), 1)} | ${f(ratio(usPerOp))} |`);
  }
}
console.log(out.join('\n'));
