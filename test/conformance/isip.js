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
// net.isIP / isIPv4 / isIPv6 on tricky inputs. Printed as: isIP isIPv4 isIPv6.
const inputs = [
  '127.0.0.1', '0.0.0.0', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.02.3.4', '001.2.3.4',
  '0x7f.0.0.1', '127.1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4\n', '1..3.4', '.1.2.3', '1.2.3.', '-1.2.3.4', '1.2.3.04',
  '1.2.3.0', '00.0.0.0', '0000000192.168.0.200', '192.168.0.2000000000', 'x127.0.0.1', 'example.com', 'localhost',
  '::', ':::', '::1', '::1 ', ' ::1', '1::', ':1', '1:', '1::2::3', '::ffff:127.0.0.1', '::FFFF:127.0.0.1',
  '::ffff:127.0.0.01', '::ffff:256.0.0.1', '::ffff:1.2.3', '::127.0.0.1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4',
  '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8::',
  'fe80::1%eth0', 'fe80::1%1', 'fe80::1%', 'fe80::7:8%eth0%1', '127.0.0.1%eth0', 'FE80::1', 'fe80:0000:0000:0000:0204:61ff:fe9d:f156',
  '02001:db8::1', '2001:db8::00001', '2001:db8::0001', '12345::1', 'g::1', '[::1]', '::1/128', '1.2.3.4/32',
  '0:0:0:0:0:0:0:0', '0000:0000:0000:0000:0000:0000:0000:0000', '0000:0000:0000:0000:0000:0000:0000:0000::0000',
  '::2001:252:1:255.255.255.255', '::2001:252:1:255.255.255.255.76', '2001:252:0:1::2008:6:', ':2001:252:0:1::2008:6',
  '1::5:1.2.3.256', '::ffff:2.3.4', 'fe80::217:f2ff:254.7.237.98', '1.2.3.4::', '1.2.3.4::5555', '', '0', '1',
  '\u0031.2.3.4', '１.2.3.4',
];
// Not in the shared script's list here: '1.2.3.4\u0000' (a C string ends at
// the NUL) and isIP(Symbol) (no symbols in C). Non-strings below are passed
// to the C API as their String() text, undefined/null as NULL.
for (const s of inputs) log('main', q(s), net.isIP(s), net.isIPv4(s), net.isIPv6(s));
for (const [what, v] of [['undefined', undefined], ['null', null], ['123', 123], ['true', true], ['{}', {}],
  ['toString->127.0.0.1', { toString: () => '127.0.0.1' }], ['toString->::1', { toString: () => '::1' }],
  ['array [1,2]', [1, 2]], ['number 2130706433', 2130706433]]) {
  log('main', what, net.isIP(v), net.isIPv4(v), net.isIPv6(v));
}
tryThrow('main', 'isIP(no args)', () => net.isIP());
