'use strict';
// node:net conformance scenario. Trace format: see ../README.md
// Lines are buffered per actor and printed, actor by actor, when the process exits.
const { net, fs, os, path, log, label, scrub, q, qs, fmtErr, tryThrow, watch, tmpPath } = require('./preamble.js');
// ---- scenario ----
// net.SocketAddress defaults, properties, validation and toJSON.
function show(sa) { return `address=${sa.address} port=${sa.port} family=${sa.family} flowlabel=${sa.flowlabel}`; }
log('main', 'new SocketAddress()', show(new net.SocketAddress()));
log('main', 'new SocketAddress({})', show(new net.SocketAddress({})));
log('main', 'ipv4 + port', show(new net.SocketAddress({ address: '123.123.123.123', port: 80 })));
log('main', 'family ipv6', show(new net.SocketAddress({ family: 'ipv6' })));
log('main', 'family IPv6 + flowlabel', show(new net.SocketAddress({ family: 'IPv6', flowlabel: 1 })));
log('main', 'v6 long form', show(new net.SocketAddress({ address: '0:0:0:0:0:0:0:1', family: 'ipv6', port: 65535 })));
// Removed from the shared script: { port: '8080' } trips a native assertion in
// Node v20 (node_sockaddr.cc: args[1]->IsInt32()) and aborts the process; the
// C API takes an int port anyway. Likewise flowlabel=2**20 (set_flow_label
// assertion); the C API returns NNET_ERR_OUT_OF_RANGE there, see the unit tests.
log('main', 'toJSON', q(new net.SocketAddress({ address: '::1', family: 'ipv6', port: 9 }).toJSON()));
// The shared script also checks isSocketAddress, the (v20-absent) static
// parse, and options of the wrong JS type (options=1, family={}, address=1,
// port=false/{}/1.5, flowlabel=-1); none is expressible through the C API.
for (const [what, opts] of [
  ['family=1', { family: 1 }],
  ['address=bad v4', { address: '1.2.3.256' }], ['address=v6 with ipv4 family', { address: '::1' }],
  ['port=-1', { port: -1 }], ['port=65536', { port: 65536 }],
  ['flowlabel=2**20-1', { family: 'ipv6', flowlabel: 2 ** 20 - 1 }],
]) tryThrow('main', what, () => show(new net.SocketAddress(opts)));
