'use strict';
// The preamble every conformance scenario shares (the shared reference scripts
// carry it inline): trace buffering, quoting, error formatting, watch(),
// tmpPath() and the watchdog. Trace format: see README.md.
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ORDER = ['main', 'server', 'sconn', 'client'];
const LINES = new Map();
const SUBS = [];
function log(actor, ...parts) {
  if (!LINES.has(actor)) LINES.set(actor, []);
  LINES.get(actor).push([actor, ...parts].join(' '));
}
function label(value, name) { SUBS.push([String(value), name]); }
function scrub(s) {
  for (const [v, n] of SUBS) {
    if (/^[0-9]+$/.test(v)) s = s.replace(new RegExp(`(?<![0-9])${v}(?![0-9])`, 'g'), n);
    else s = s.split(v).join(n);
  }
  return s;
}
// Strings: JSON.stringify, then every UTF-16 code unit >= 0x7f as \uXXXX (lowercase hex),
// so trace lines are pure printable ASCII.
function esc(json) {
  return json.replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}
function qs(s) { return esc(JSON.stringify(s)); }
function q(x) {
  if (Buffer.isBuffer(x)) return `<hex:${x.toString('hex')}>`;
  if (typeof x === 'string') return qs(x);
  if (Array.isArray(x)) return '[' + x.map(q).join(',') + ']';
  if (x === undefined) return 'undefined';
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'symbol') return x.toString();
  if (typeof x === 'function') return '[function]';
  return esc(JSON.stringify(x));
}
function fmtErr(e) {
  if (!(e instanceof Error)) return `non-error ${q(e)}`;
  const out = [`name=${e.name}`, `code=${e.code}`];
  if (e.syscall !== undefined) out.push(`syscall=${e.syscall}`);
  if (e.address !== undefined) out.push(`address=${e.address}`);
  if (e.port !== undefined) out.push(`port=${e.port}`);
  out.push(`message=${qs(e.message)}`);
  return out.join(' ');
}
function tryThrow(actor, what, fn) {
  try {
    const r = fn();
    log(actor, what, 'ok', r === undefined ? '' : (r instanceof net.Socket ? '[Socket]' : r instanceof net.Server ? '[Server]' : q(r)));
  } catch (e) {
    log(actor, what, 'throws', fmtErr(e));
  }
}
// Attach the standard lifecycle listeners. Data is accumulated and reported as
// a total just before 'end' (or 'close' if no 'end'), unless opts.eachData.
function watch(sock, who, opts = {}) {
  let rx = [];
  let reported = false;
  const report = () => {
    if (reported || opts.noTotal) return;
    reported = true;
    const b = Buffer.concat(rx.map((c) => Buffer.isBuffer(c) ? c : Buffer.from(c, opts.enc || 'utf8')));
    log(who, 'rx-total', b.length, q(opts.enc ? rx.join('') : b.toString('latin1')));
  };
  for (const ev of ['connect', 'ready', 'finish', 'drain', 'timeout']) {
    if (opts.skip && opts.skip.includes(ev)) continue;
    sock.on(ev, () => log(who, ev));
  }
  sock.on('lookup', (err, address, family, host) =>
    log(who, 'lookup', err ? fmtErr(err) : 'err=null', q(address), q(family), q(host)));
  sock.on('data', (d) => {
    rx.push(d);
    if (opts.eachData) log(who, 'data', typeof d === 'string' ? 'string' : 'buffer', d.length, q(d));
  });
  sock.on('end', () => { report(); log(who, 'end'); });
  sock.on('error', (e) => log(who, 'error', fmtErr(e)));
  sock.on('close', (hadError) => { report(); log(who, 'close', `hadError=${hadError}`); });
  return sock;
}
process.on('exit', (code) => {
  const names = [...ORDER, ...[...LINES.keys()].filter((a) => !ORDER.includes(a))];
  const out = [];
  for (const a of names) for (const l of (LINES.get(a) || [])) out.push(scrub(l));
  out.push(`exit code=${code}`);
  fs.writeSync(1, out.join('\n') + '\n');
});
setTimeout(() => { log('main', 'WATCHDOG-TIMEOUT'); process.exit(99); }, 4000).unref();
function tmpPath(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nconf-'));
  label(dir, '$TMP');
  process.on('exit', () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} });
  return path.join(dir, name);
}

module.exports = { net, fs, os, path, ORDER, LINES, SUBS, log, label, scrub, esc, qs, q, fmtErr, tryThrow, watch, tmpPath };
