'use strict';
// proxy_ratios.js RAW.jsonl: bench/proxy.sh's table. Rates per proxy, then
// the ratios the splice path is judged by, each taken within one round
// (same conditions) and the median over rounds printed. Rates: higher is
// better; server µs/op (the proxy process's CPU): lower is better.
const { readRows, med, f, rate, unit, usPerOp, roundRatio } = require('./ratios_lib');
const rows = readRows(process.argv[2]).filter((x) => x.kind === 'load');
const proxies = ['nodenet-splice', 'nodenet-copy', 'hand-copy', 'node-proxy'];
const wls = [...new Set(rows.map((x) => x.wl))];
const by = (wl, s) => rows.filter((x) => x.wl === wl && x.server === s);
const ratio = (wl, a, b, fn) => roundRatio(by(wl, a), by(wl, b), fn);
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
