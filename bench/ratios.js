'use strict';
// ratios.js RAW.jsonl: nodenet against raw libuv and Node, per workload.
// Each ratio is taken within one round (same conditions) and the median over
// rounds is printed. Rates: higher is better; srv µs/op: lower is better.
const { readRows, med, f, rate, unit, usPerOp, roundRatio } = require('./ratios_lib');
const rows = readRows(process.argv[2]);
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
  const ratio = (s, fn) => roundRatio(nn, by(s), fn);
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
    const ratio = (fn) => roundRatio(cand, base, fn);
    out.push(`| ${wl} | ${f(med(base.map(rate)), 0)} | ${f(med(cand.map(rate)), 0)} | ${f(ratio(rate))} | ` +
      `${f(med(base.map(usPerOp)), 1)} | ${f(med(cand.map(usPerOp)), 1)} | ${f(ratio(usPerOp))} |`);
  }
}
console.log(out.join('\n'));
