// Run by WebhookIT: an HTTP receiver that verifies every delivery with the `standardwebhooks` library (the
// Standard Webhooks reference implementation) and prints one JSON line per request. Refuses (503) the first
// FAIL_FIRST attempts of each message; stops by itself after MAX_SECONDS.
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const wh = new Webhook(process.env.SECRET);
const failFirst = Number(process.env.FAIL_FIRST ?? 0);
const attempts = new Map();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let event;
    try {
      event = wh.verify(body, req.headers);
    } catch (e) {
      console.log(JSON.stringify({ rejected: String(e.message ?? e) }));
      res.writeHead(400).end();
      return;
    }
    const id = req.headers['webhook-id'];
    const n = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, n);
    if (n <= failFirst) {
      console.log(JSON.stringify({ refused: id, attempt: n }));
      res.writeHead(503).end();
      return;
    }
    console.log(JSON.stringify({ id, attempt: n, type: event.type, data: event.data }));
    res.writeHead(204).end();
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(JSON.stringify({ listening: server.address().port })));
setTimeout(() => process.exit(0), Number(process.env.MAX_SECONDS ?? 300) * 1000).unref();
