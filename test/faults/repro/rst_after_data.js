const net = require('net');
const mode = +process.argv[2] || 0;
const srv = net.createServer({allowHalfOpen: true}, (s) => {
  s.on('data', () => { if (mode !== 2) { s.write('012345678901234567890123456789'); s.resetAndDestroy(); } });
  s.on('end', () => { if (mode === 2) { s.write('012345678901234567890123456789'); s.resetAndDestroy(); } });
});
srv.listen(0, '127.0.0.1', () => {
  let got = 0;
  const c = net.connect(srv.address().port, '127.0.0.1');
  c.on('data', (d) => got += d.length);
  c.on('end', () => console.log(`client: 'end' after ${got} bytes`));
  c.on('error', (e) => console.log(`client: 'error' ${e.code} after ${got} bytes`));
  c.on('close', (h) => { console.log(`client: 'close' had_error=${h}`); srv.close(); });
  c.write('hello'); if (mode >= 1) c.end();
});
