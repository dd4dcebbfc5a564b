// Differential oracle for the address layer: generates tricky inputs from a
// seed, evaluates them with this Node, and prints one case per line for
// diff_address (the C twin) to recompute and compare.
//   node gen_address.js SEED COUNT [node26-path]   > cases.txt
// Strings are hex-encoded so any byte survives the trip. Lines:
//   I <hex> <isIP>
//   S <hex|-> <family> <port> <flowlabel> <ERR_CODE | json>
//   P <hex> <undefined | json>                      (Node >= 22 results)
//   B <n>     then n lines of a blocklist scenario:
//     a|r|s <family> <hex> [<hex>|<prefix>] <ok | ERR_CODE>
//     c <family> <hex> <0|1>
//     L <hex of JSON.stringify(rules)>
'use strict';
const net = require('net');
const { execFileSync } = require('child_process');

const seed = Number(process.argv[2] >>> 0);
const count = Number(process.argv[3] || 100000);
const node26 = process.argv[4];

let state = (seed * 2654435761) >>> 0 || 1;
function rnd() { // xorshift32
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
}
const ri = (n) => Math.floor(rnd() * n);
const pick = (a) => a[ri(a.length)];
const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
const out = [];

// ---- tricky address text ----
function octet() {
  return pick([() => String(ri(256)), () => String(ri(1000)), () => '0' + ri(100),
    () => '00', () => '255', () => '256', () => '', () => '0x1' ])();
}
function v4text() {
  const n = pick([4, 4, 4, 4, 3, 5]);
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(rnd() < 0.85 ? String(ri(256)) : octet());
  return parts.join('.');
}
function group() {
  const len = pick([1, 1, 2, 3, 4, 4, 0, 5]);
  let s = '';
  for (let i = 0; i < len; i++) s += pick('0123456789abcdefABCDEFg'.split(''));
  return s;
}
function validV6Bytes() {
  const b = Buffer.alloc(16);
  const shape = ri(5);
  if (shape === 0) { b.writeUInt16BE(0xffff, 10); b.writeUInt32BE(ri(2 ** 32) >>> 0, 12); }
  else if (shape === 1) { b[15] = ri(3); }
  else if (shape === 2) { for (let i = 0; i < 16; i++) b[i] = rnd() < 0.5 ? 0 : ri(256); }
  else if (shape === 3) { b.writeUInt32BE(ri(2 ** 32) >>> 0, 12); }
  else { for (let i = 0; i < 16; i++) b[i] = ri(256); }
  return b;
}
function fullV6(b) {
  const g = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(2 * i).toString(16));
  return g;
}
function v6text() {
  const b = validV6Bytes();
  const g = fullV6(b);
  const form = ri(6);
  let s;
  if (form === 0) s = g.join(':');
  else if (form === 1) s = new net.SocketAddress({ address: g.join(':'), family: 'ipv6' }).address;
  else if (form === 2) s = g.map((x) => x.padStart(4, '0')).join(':');
  else if (form === 3) { const i = ri(8), j = i + ri(8 - i); s = (g.slice(0, i).join(':') + '::' + g.slice(j + 1).join(':')); }
  else if (form === 4) s = g.slice(0, 6).join(':') + ':' + [b[12], b[13], b[14], b[15]].join('.');
  else s = '::' + (rnd() < 0.5 ? 'ffff:' : '') + v4text();
  if (rnd() < 0.2) s = s.toUpperCase();
  if (rnd() < 0.15) s += '%' + pick(['eth0', 'lo', '1', '', 'a.b-c:d', 'x_y', '%', ' ', 'é']);
  return s;
}
function junk() {
  const alphabet = '0123456789abcdefABCDEF:.%[]/ -_xX\t\n@#?\\é';
  let s = '';
  const n = ri(12);
  for (let i = 0; i < n; i++) s += alphabet[ri(alphabet.length)];
  return s;
}
function mutate(s) {
  const k = ri(4);
  const p = ri(s.length + 1);
  const c = pick('0123456789af:.%x '.split(''));
  if (k === 0) return s.slice(0, p) + c + s.slice(p);
  if (k === 1) return s.slice(0, p) + s.slice(p + 1);
  if (k === 2) return s.slice(0, p) + c + s.slice(p + 1);
  return s + s.slice(0, ri(s.length));
}
function anyAddr() {
  const r = rnd();
  let s;
  if (r < 0.35) s = v4text();
  else if (r < 0.75) s = v6text();
  else if (r < 0.85) s = junk();
  else {
    const groups = []; const n = ri(10);
    for (let i = 0; i < n; i++) groups.push(rnd() < 0.1 ? '' : (rnd() < 0.1 ? v4text() : group()));
    s = groups.join(':');
  }
  if (rnd() < 0.25) s = mutate(s);
  return s;
}

const famName = { 0: undefined, 4: 'ipv4', 6: 'ipv6', 5: 'ipv5' };
function saJson(sa) { return JSON.stringify(sa.toJSON()); }
function code(e) { return e.code || 'THROW'; }

// ---- I: isIP ----
function caseIsIP() {
  const s = anyAddr();
  out.push(`I ${hex(s)} ${net.isIP(s)}`);
}

// ---- S: new SocketAddress ----
function caseSA() {
  const fam = pick([0, 4, 6, 6, 4, 5]);
  const addr = rnd() < 0.1 ? undefined : (rnd() < 0.5 && fam === 6 ? v6text() : anyAddr());
  const port = pick([0, 1, 80, 443, 65535, 65536, -1, -2, 70000, ri(65536)]);
  let flow = pick([0, 1, 0xfffff, ri(0x100000)]);
  if (fam !== 6 && rnd() < 0.3) flow = pick([0x100000, 0xffffffff]);
  let res;
  try {
    const o = { port, flowlabel: flow };
    if (famName[fam] !== undefined) o.family = famName[fam];
    if (addr !== undefined) o.address = addr;
    res = saJson(new net.SocketAddress(o));
  } catch (e) { res = code(e); }
  out.push(`S ${addr === undefined ? '-' : hex(addr)} ${fam} ${port} ${flow} ${res}`);
}

// ---- P: SocketAddress.parse (needs Node >= 22) ----
function parseInput() {
  const r = rnd();
  const port = pick(['', ':', ':0', ':80', ':080', ':443', ':65535', ':65536', ':1a', ':' + ri(70000), ':-1']);
  const tail = pick(['', '', '', '/x', '?q', '#f', '\\p', ' ', '\t', '\x01']);
  const user = rnd() < 0.1 ? pick(['a@', 'a:b@', '@', 'x@y@']) : '';
  const lead = rnd() < 0.05 ? pick(['/', '//', '\\', ' ']) : '';
  let host;
  if (r < 0.35) host = v4text();
  else if (r < 0.5) host = pick(['0x7f.1', '127.1', '0177.0.0.1', '4294967295', '1.2.3.4.', '%31.2.3.4', '0X10.0.0.1', '1..2', 'localhost', '']);
  else if (r < 0.85) host = '[' + v6text() + ']';
  else host = v6text();
  let s = lead + user + host + port + tail;
  if (rnd() < 0.15) s = mutate(s);
  return s;
}
const parseInputs = [];
function caseParse() { parseInputs.push(parseInput()); }

// ---- B: blocklist scenarios ----
const pool4 = ['10.0.0.0', '10.0.0.1', '10.0.0.255', '10.0.1.0', '0.0.0.0', '255.255.255.255', '1.2.3.4', '1.2.3.5', '127.0.0.1', '192.168.1.1'];
function pool6() {
  return pick(['::', '::1', '::2', '::ffff:10.0.0.1', '::ffff:10.0.0.0', '::ffff:0.0.0.0', '::ffff:255.255.255.255', '::ffff:1.2.3.4',
    '::10.0.0.1', 'fe80::1', 'fe80::', 'ffff::', '::fffe:ffff:ffff', '::1:0:0:0', '0:0:0:0:0:ffff:a00:1', 'fe80::1%eth0', '::ffff:1.2.3.4%lo']);
}
function blAddr(fam) {
  if (rnd() < 0.05) return anyAddr();
  if (fam === 6) return rnd() < 0.8 ? pool6() : v6text();
  if (rnd() < 0.8) return pick(pool4);
  const b = [10, 0, ri(2), ri(256)];
  return b.join('.');
}
function scenario() {
  const bl = new net.BlockList();
  const lines = [];
  const nrules = ri(12);
  for (let i = 0; i < nrules; i++) {
    const fam = pick([4, 4, 6, 6, 0, 5]);
    const f = famName[fam];
    const kind = pick(['a', 'r', 's', 's']);
    const x = blAddr(fam === 6 ? 6 : 4);
    let res = 'ok';
    if (kind === 'a') {
      try { f === undefined ? bl.addAddress(x) : bl.addAddress(x, f); } catch (e) { res = code(e); }
      lines.push(`a ${fam} ${hex(x)} ${res}`);
    } else if (kind === 'r') {
      const y = blAddr(fam === 6 ? 6 : 4);
      try { f === undefined ? bl.addRange(x, y) : bl.addRange(x, y, f); } catch (e) { res = code(e); }
      lines.push(`r ${fam} ${hex(x)} ${hex(y)} ${res}`);
    } else {
      const p = fam === 6 ? pick([0, 1, 8, 64, 96, 97, 100, 104, 120, 127, 128, 129, -1, ri(129)])
                          : pick([0, 1, 8, 16, 24, 31, 32, 33, -1, ri(33)]);
      try { f === undefined ? bl.addSubnet(x, p) : bl.addSubnet(x, p, f); } catch (e) { res = code(e); }
      lines.push(`s ${fam} ${hex(x)} ${p} ${res}`);
    }
  }
  const nq = 1 + ri(20);
  for (let i = 0; i < nq; i++) {
    const fam = pick([4, 6, 6, 0, 5]);
    const x = blAddr(fam === 6 ? 6 : 4);
    const f = famName[fam];
    const r = f === undefined ? bl.check(x) : bl.check(x, f);
    lines.push(`c ${fam} ${hex(x)} ${r ? 1 : 0}`);
  }
  lines.push(`L ${hex(JSON.stringify(bl.rules))}`);
  out.push(`B ${lines.length}`);
  for (const l of lines) out.push(l);
  return lines.length;
}

let cases = 0;
while (cases < count) {
  const r = rnd();
  if (r < 0.45) { caseIsIP(); cases++; }
  else if (r < 0.65) { caseSA(); cases++; }
  else if (r < 0.8) { if (node26) { caseParse(); cases++; } }
  else cases += scenario() - 1;
}

if (node26 && parseInputs.length) {
  // Evaluate parse() cases in one Node >= 22 process. Node's URL parser
  // drops a port equal to http's default (80); we keep it, so the oracle
  // recovers the written port from an https:// parse of the same text.
  const script = `
    const net = require('net');
    const ins = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const res = ins.map((s) => {
      const r = net.SocketAddress.parse(s);
      if (!r) return 'undefined';
      const j = r.toJSON();
      if (j.port === 0) { const u = URL.parse('https://' + s); if (u && u.port === '80') j.port = 80; }
      return JSON.stringify(j);
    });
    process.stdout.write(JSON.stringify(res));`;
  const res = JSON.parse(execFileSync(node26, ['-e', script], { input: JSON.stringify(parseInputs), maxBuffer: 1 << 28 }));
  parseInputs.forEach((s, i) => out.push(`P ${hex(s)} ${res[i]}`));
}
process.stdout.write(out.join('\n') + '\n');
process.stderr.write(`seed ${seed}: ${cases} cases generated\n`);
