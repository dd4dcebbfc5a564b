'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
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
