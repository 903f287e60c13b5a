// Run by OpenAiSdkIT: the official openai SDK with the gateway as its base URL, transcribing a real speech
// WAV in every response format and streamed; the SRT and WebVTT answers are parsed with the `subtitle`
// package. Prints one JSON line with what it got; the Java side asserts on it.
import fs from 'node:fs';
import OpenAI from 'openai';
import { parseSync } from 'subtitle';

const client = new OpenAI({ apiKey: process.env.GATEWAY_KEY, baseURL: process.env.GATEWAY_URL + '/v1', maxRetries: 0 });
const file = () => fs.createReadStream(process.env.GATEWAY_WAV);

const json = await client.audio.transcriptions.create({ file: file(), model: 'gpt-4o-mini-transcribe' });
const text = await client.audio.transcriptions.create({ file: file(), model: 'whisper-1', response_format: 'text' });
const srt = await client.audio.transcriptions.create({ file: file(), model: 'whisper-1', response_format: 'srt' });
const vtt = await client.audio.transcriptions.create({ file: file(), model: 'whisper-1', response_format: 'vtt' });
const verbose = await client.audio.transcriptions.create({
  file: file(), model: 'whisper-1', response_format: 'verbose_json', language: 'en',
});
const stream = await client.audio.transcriptions.create({ file: file(), model: 'gpt-4o-mini-transcribe', stream: true });
let deltas = '';
let done = null;
for await (const event of stream) {
  if (event.type === 'transcript.text.delta') deltas += event.delta;
  if (event.type === 'transcript.text.done') done = event.text;
}
let refused = null;
try {
  await client.audio.transcriptions.create({ file: file(), model: 'whisper-1', response_format: 'docx' });
} catch (e) {
  refused = { status: e.status, param: e.param ?? e.error?.param ?? null };
}
const cues = (s) => parseSync(s).filter((n) => n.type === 'cue').map((n) => n.data);
// The session export of the last of those sessions (GET /v1/sessions/{id}/transcript?format=), parsed the same way.
const auth = { Authorization: `Bearer ${process.env.GATEWAY_KEY}` };
const list = await (await fetch(`${process.env.GATEWAY_URL}/v1/sessions?limit=1`, { headers: auth })).json();
const exported = async (format) => (await fetch(
  `${process.env.GATEWAY_URL}/v1/sessions/${list.data[0].id}/transcript?format=${format}`, { headers: auth })).text();
console.log(JSON.stringify({
  json: json.text, usage: json.usage ?? null, text, srt: cues(srt), vtt: cues(vtt), verbose, deltas, done, refused,
  exportSrt: cues(await exported('srt')), exportVtt: cues(await exported('vtt')),
}));
