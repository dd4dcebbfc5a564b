'use strict';
// ratios_lib.js: what bench/ratios.js and bench/proxy_ratios.js share:
// reading a raw JSONL run, the per-row figures (rate, unit, server CPU per
// operation), the median, the ratio taken within one round and the number
// format of the tables.
const fs = require('fs');

// Every parseable line of a JSONL file; a torn or partial line is skipped.
const readRows = (path) => fs.readFileSync(path, 'utf8').split('\n')
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
// fn(cand) / fn(base), each pair from the same round (same conditions), and
// the median over rounds; a round base lacks gives NaN, which med() drops.
const roundRatio = (cand, base, fn) => med(cand.map((x) => {
  const y = base.find((z) => z.round === x.round);
  return y ? fn(x) / fn(y) : NaN;
}));

module.exports = { readRows, med, f, rate, unit, usPerOp, roundRatio };
