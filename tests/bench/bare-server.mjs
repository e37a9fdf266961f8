// The reference the serving benchmarks compare with: a bare node:http server that answers every
// request with the same bytes from memory, no routing, no checks. Plain JavaScript so that it
// starts without a compiler. argv: <port> <file of the body> <JSON of response headers>
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [port, file, headersJson] = process.argv.slice(2);
const body = readFileSync(file);
const headers = { ...JSON.parse(headersJson ?? '{}'), 'Content-Length': String(body.length) };

http
  .createServer((req, res) => {
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  })
  .listen(Number(port), '127.0.0.1', () => process.send?.('listening'));
