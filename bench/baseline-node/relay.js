// Baseline relay for the benchmark: the simplest Node.js fan-out a team would write with the `ws` package.
// POST /v1/realtime/transcription_sessions opens one upstream socket (UPSTREAM_URL?intent=transcription) and
// returns {id}; ws://…/v1/sessions/{id}/events subscribers get every upstream frame as is; binary frames on
// ws://…/v1/sessions/{id}/audio go upstream as input_audio_buffer.append with base64 audio. No other logic.
'use strict';
const http = require('http');
const { WebSocket, WebSocketServer } = require('ws');

const port = Number(process.env.PORT || 18090);
const upstreamUrl = process.env.UPSTREAM_URL;
const sessions = new Map();
let next = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/q/health/ready') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"status":"UP"}');
  }
  if (req.method === 'POST' && req.url === '/v1/realtime/transcription_sessions') {
    req.resume();
    req.on('end', () => {
      const id = 'sess_node' + (++next);
      const upstream = new WebSocket(upstreamUrl + '?intent=transcription', {
        headers: { Authorization: 'Bearer ' + (process.env.OPENAI_API_KEY || '') },
      });
      const subscribers = new Set();
      subscribers.upstream = upstream;
      sessions.set(id, subscribers);
      upstream.on('error', (e) => console.error(id, 'upstream error:', e.message));
      upstream.on('open', () => upstream.send(JSON.stringify({ type: 'session.update', session: { type: 'transcription' } })));
      upstream.on('message', (data, isBinary) => {
        for (const s of subscribers) s.send(data, { binary: isBinary });
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
    return;
  }
  if (req.method === 'DELETE') {
    res.writeHead(200);
    return res.end();
  }
  res.writeHead(404);
  res.end();
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const m = /^\/v1\/sessions\/([^/]+)\/(events|audio)/.exec(req.url);
  const subscribers = m && sessions.get(m[1]);
  if (!subscribers) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (m[2] === 'audio') {
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          subscribers.upstream.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: data.toString('base64') }));
        }
      });
      return;
    }
    subscribers.add(ws);
    ws.on('close', () => subscribers.delete(ws));
  });
});

server.listen(port, '127.0.0.1');
