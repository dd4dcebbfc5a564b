'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
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
// ---- scenario ----
// socket.autoSelectFamilyAttemptedAddresses: "IP:PORT" of every address
// tried, the connected one last; read in 'connectionAttemptFailed',
// 'connect', 'error' and 'close' (it survives destroy). Undefined when
// autoSelectFamily did not run (one distinct address, autoSelectFamily
// off, family pinned). All-fail gives one AggregateError with each
// attempt's error.
const A = (address, family) => ({ address, family });
const runs = [
  ['refused-then-good', [A('127.0.0.2', 4), A('127.0.0.1', 4)], {}],
  ['good-first', [A('127.0.0.1', 4), A('127.0.0.2', 4)], {}],
  ['all-fail', [A('127.0.0.2', 4), A('::1', 6), A('127.0.0.3', 4)], {}],
  ['one-distinct', [A('127.0.0.1', 4), A('127.0.0.1', 4)], {}],
  ['single-refused', [A('127.0.0.2', 4)], {}],
  ['autoselect-off', [A('127.0.0.2', 4), A('127.0.0.1', 4)], { autoSelectFamily: false }],
  ['family-4', [A('127.0.0.2', 4), A('127.0.0.1', 4)], { family: 4 }],
];
const server = net.createServer((c) => c.end());
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  label(port, 'PORT');
  let i = 0;
  const next = () => {
    if (i >= runs.length) { server.close(); return; }
    const [name, answer, extra] = runs[i++];
    const L = (...a) => log('client', name, ...a);
    // With all=false Node's lookup answers (err, address, family).
    const lookup = (h, o, cb) => {
      L('lookup-called', q(h), q(o.family ?? 0), q(o.hints), q(!!o.all));
      if (o.all) cb(null, answer);
      else cb(null, answer[0].address, answer[0].family);
    };
    const c = new net.Socket();
    const att = () => q(c.autoSelectFamilyAttemptedAddresses);
    c.on('connectionAttemptFailed', (a, p, f, e) => L('connectionAttemptFailed', a, fmtErr(e), 'attempted', att()));
    c.on('connect', () => { L('connect', c.remoteAddress, 'attempted', att()); c.destroy(); });
    c.on('error', (e) => {
      L('error', fmtErr(e), 'attempted', att());
      for (const part of e.errors || []) L('error-part', fmtErr(part));
    });
    c.on('close', (hadError) => { L('close', hadError, 'attempted', att()); next(); });
    c.connect({ port, host: 'x.test', lookup, autoSelectFamily: true, ...extra });
  };
  next();
});
