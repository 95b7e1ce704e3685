// The machine's floor for the fixed-rate cases: bare node:http answering the two read routes with
// bodies of the same shape and size as the API's (fixed feature values, one row per requested id),
// with no Redis and no framework. Under the same paced load its latency is what the scheduler,
// the loopback, the load generator and the bytes alone cost on this machine, so an absolute p99
// target below its p99 cannot be met here by any server, the API included.
//   GET  /features/:user_id   one row
//   POST /features/batch      one row per id of {"user_ids": [...]}
//   anything else             {}
// Usage: PORT=8200 node --import tsx tools/bench/floor-server.ts
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8200);
const host = process.env.HOST ?? '127.0.0.1';
const FEATURES = '{"age":34,"gender":"F","purchase_count_30d":12,"avg_session_duration_min":8.25,"preferred_category":"electronics"}';
const row = (id: unknown) => `{"user_id":${JSON.stringify(id)},"features":${FEATURES}}`;
const SINGLE = '/features/';

/** @throws on a body that is no JSON, or a bad escape in the path */
function answer(method: string | undefined, url: string, body: string): string {
  if (method === 'POST' && url === '/features/batch') return `[${((JSON.parse(body) as { user_ids?: unknown[] }).user_ids ?? []).map(row).join(',')}]`;
  if (method === 'GET' && url.startsWith(SINGLE)) return row(decodeURIComponent(url.slice(SINGLE.length)));
  return '{}';
}

const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    let status = 200;
    let text: string;
    try {
      text = answer(request.method, request.url ?? '', body);
    } catch {
      [status, text] = [400, '{"detail":"bad request"}'];
    }
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  });
});

const close = () => server.close();
process.once('SIGTERM', close);
process.once('SIGINT', close);

server.listen(port, host, () => console.log(`floor server listening on http://${host}:${port}`));
