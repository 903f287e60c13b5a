// Live captions: a presenter page (API key in this tab's memory, microphone, share link) and a viewer page (a
// scoped subscriber token in the URL fragment, never sent to the server except as a credential). No framework, no
// build step; everything goes through the gateway's public API.
'use strict';

const $ = (id) => document.getElementById(id);

const state = {
  key: null,            // the presenter's API key: memory only
  session: null,
  token: null,          // subscriber token: the events socket and the downloads
  producer: null,       // producer token: the audio socket
  lastSeq: 0,           // the last event seen, to resume after a drop
  ended: false,
  events: null,
  audio: null,
  media: null,
  context: null,
  retry: 0,
  turns: new Map(),     // item id -> the turn's elements
  pending: null,        // a turn whose item id is not known yet
};

class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function wsUrl(path) {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
}

async function api(method, path, credential, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: Object.assign({ Authorization: 'Bearer ' + credential },
        body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'The gateway cannot be reached: ' + e.message);
  }
  if (!res.ok) {
    let message = res.statusText;
    try {
      const err = await res.json();
      message = (err.error && err.error.message) || message;
    } catch (e) {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, message, res.headers.get('Retry-After'));
  }
  return res;
}

function explain(err) {
  switch (err.status) {
    case 0: return err.message;
    case 401: return 'The credential was refused (401): check the API key, or ask for a new share link. ' + err.message;
    case 404: return 'No such session (404): it may have ended and been removed. ' + err.message;
    case 429: return 'Limit reached (429): ' + err.message
      + (err.retryAfter ? ' Try again in ' + err.retryAfter + ' s.' : '');
    default: return 'The gateway answered ' + err.status + ': ' + err.message;
  }
}

function showMessage(text) {
  const m = $('message');
  m.textContent = text;
  m.hidden = !text;
}

function setState(text, error) {
  const s = $('state');
  s.textContent = text;
  s.classList.toggle('error', Boolean(error));
}

function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

// ---- captions -------------------------------------------------------------------------------------------------

function turn(itemId) {
  if (itemId && state.turns.has(itemId)) {
    return state.turns.get(itemId);
  }
  if (!itemId && state.pending) {
    return state.pending;
  }
  if (itemId && state.pending) {
    // The turn's id arrives after its first partial (manual commits): it is the pending one.
    const t = state.pending;
    state.pending = null;
    t.el.dataset.item = itemId;
    state.turns.set(itemId, t);
    return t;
  }
  const el = document.createElement('p');
  el.className = 'turn';
  const time = document.createElement('span');
  time.className = 'time';
  const final = document.createElement('span');
  final.className = 'final';
  const partial = document.createElement('span');
  partial.className = 'partial';
  partial.setAttribute('aria-hidden', 'true'); // screen readers hear each turn once, when it is final
  el.append(time, final, partial);
  const t = { el, time, final, partial, live: '' };
  if (itemId) {
    el.dataset.item = itemId;
    state.turns.set(itemId, t);
  } else {
    state.pending = t;
  }
  const box = $('captions');
  const follow = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
  box.append(el);
  if (follow) {
    box.scrollTop = box.scrollHeight;
  }
  return t;
}

function onEvent(ev) {
  switch (ev.type) {
    case 'input_audio_buffer.speech_started': {
      const t = turn(ev.item_id);
      t.time.textContent = clock(ev.audio_start_ms || 0);
      if (!t.final.textContent && !t.partial.textContent) {
        t.partial.textContent = '…'; // someone is speaking; the words follow
      }
      break;
    }
    case 'gateway.transcription.partial': {
      // The local engine's revisable words while the turn is spoken.
      const t = turn(ev.item_id);
      if (!t.final.textContent) {
        t.partial.textContent = ev.text;
      }
      break;
    }
    case 'conversation.item.input_audio_transcription.delta': {
      const t = turn(ev.item_id);
      t.live += ev.delta || '';
      if (!t.final.textContent) {
        t.partial.textContent = t.live;
      }
      break;
    }
    case 'conversation.item.input_audio_transcription.completed': {
      const t = turn(ev.item_id);
      t.final.textContent = (ev.transcript || '').trim();
      t.partial.textContent = '';
      t.el.classList.add('done');
      if (!t.final.textContent) {
        t.el.remove(); // a turn with no words (a cough, a door)
      }
      break;
    }
    case 'conversation.item.input_audio_transcription.failed': {
      const t = turn(ev.item_id);
      t.final.textContent = '(this turn could not be transcribed)';
      t.partial.textContent = '';
      t.el.classList.add('failed');
      break;
    }
    case 'gateway.upstream.reconnecting':
      setState('The transcription service dropped; reconnecting…');
      break;
    case 'gateway.upstream.reconnected':
      setState('Live');
      break;
    case 'gateway.session.closed':
      ended('The session has ended.');
      break;
    case 'error':
      if (ev.error && ev.error.message) {
        showMessage('The transcription service reported: ' + ev.error.message);
      }
      break;
    default:
      break;
  }
}

// ---- sockets --------------------------------------------------------------------------------------------------

function connectEvents() {
  // after=0 the first time: a viewer who joins late sees what the session's replay log still holds.
  const q = new URLSearchParams({ envelope: 'true', after: String(state.lastSeq) });
  const ws = new WebSocket(wsUrl('/v1/sessions/' + encodeURIComponent(state.session) + '/events?' + q),
    ['realtime', 'gateway-token.' + state.token]);
  state.events = ws;
  ws.onopen = () => {
    state.retry = 0;
    setState(state.lastSeq > 0 ? 'Live (resumed)' : 'Live');
  };
  ws.onmessage = (m) => {
    let env;
    try {
      env = JSON.parse(m.data);
    } catch (e) {
      return;
    }
    if (typeof env.seq === 'number') {
      state.lastSeq = Math.max(state.lastSeq, env.seq);
    }
    if (env.event) {
      onEvent(env.event);
    }
  };
  ws.onclose = (e) => {
    if (state.ended || state.events !== ws) {
      return;
    }
    if (e.code === 1008) {
      ended('The share link was revoked.', true);
      return;
    }
    if (e.code === 1000) {
      ended('The session has ended.');
      return;
    }
    reconnect(e.code === 1006 ? 'The connection dropped' : 'The connection closed (' + e.code + ')');
  };
}

function reconnect(why) {
  const delay = Math.min(10000, 500 * 2 ** state.retry++);
  setState(why + '; reconnecting in ' + Math.round(delay / 1000) + ' s…', true);
  setTimeout(() => {
    if (!state.ended) {
      connectEvents();
      if (state.media) {
        connectAudio();
      }
    }
  }, delay);
}

function connectAudio() {
  if (state.audio && state.audio.readyState <= WebSocket.OPEN) {
    return;
  }
  const ws = new WebSocket(wsUrl('/v1/sessions/' + encodeURIComponent(state.session) + '/audio'),
    ['realtime', 'gateway-token.' + state.producer]);
  ws.binaryType = 'arraybuffer';
  ws.onclose = () => {
    // The audio socket dropped on its own: open it again while the microphone runs.
    if (!state.ended && state.media && state.audio === ws) {
      setTimeout(() => {
        if (!state.ended && state.media && state.audio === ws) {
          connectAudio();
        }
      }, 1000);
    }
  };
  ws.onmessage = (m) => {
    // Only errors about this socket's own input come back here.
    try {
      const ev = JSON.parse(m.data);
      if (ev.type === 'error' && ev.error) {
        showMessage('The gateway refused audio: ' + ev.error.message);
      }
    } catch (e) {
      // ignore
    }
  };
  state.audio = ws;
}

// ---- microphone -----------------------------------------------------------------------------------------------

async function startMicrophone() {
  state.media = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  let context;
  try {
    context = new AudioContext({ sampleRate: 24000 });
  } catch (e) {
    context = new AudioContext(); // the worklet resamples
  }
  state.context = context;
  await context.audioWorklet.addModule('pcm-worklet.js');
  const source = context.createMediaStreamSource(state.media);
  const writer = new AudioWorkletNode(context, 'pcm16-writer');
  const silent = context.createGain();
  silent.gain.value = 0; // the graph must reach the destination to run; nothing is heard
  source.connect(writer).connect(silent).connect(context.destination);
  writer.port.onmessage = (m) => {
    $('level').value = Math.min(1, m.data.level * 4);
    if (state.audio && state.audio.readyState === WebSocket.OPEN) {
      state.audio.send(m.data.pcm);
    }
  };
}

function stopMicrophone() {
  if (state.media) {
    state.media.getTracks().forEach((t) => t.stop());
  }
  if (state.context) {
    state.context.close();
  }
  if (state.audio) {
    state.audio.close(1000);
  }
  state.media = null;
  state.context = null;
}

// ---- session ---------------------------------------------------------------------------------------------------

async function start(event) {
  event.preventDefault();
  showMessage('');
  const key = $('key').value.trim();
  if (!key) {
    showMessage('Enter a gateway API key.');
    return;
  }
  $('key').value = '';
  state.key = key;
  $('start').disabled = true;
  setState('Creating a session…');
  try {
    const body = {};
    const language = $('language').value;
    if (language) {
      body.input_audio_transcription = { language };
    }
    const session = await (await api('POST', '/v1/realtime/transcription_sessions', key, body)).json();
    state.session = session.id;
    const ttl = Number($('share-ttl').value);
    const tokens = '/v1/sessions/' + encodeURIComponent(state.session) + '/tokens';
    const producer = await (await api('POST', tokens, key, { role: 'producer', ttl_seconds: ttl })).json();
    const subscriber = await (await api('POST', tokens, key, { role: 'subscriber', ttl_seconds: ttl })).json();
    state.producer = producer.token;
    state.token = subscriber.token;
    const link = location.origin + location.pathname + '#session=' + encodeURIComponent(state.session)
      + '&token=' + encodeURIComponent(subscriber.token);
    $('share-link').href = link;
    const expiry = new Date(subscriber.expires_at * 1000);
    $('share-expiry').dateTime = expiry.toISOString();
    $('share-expiry').textContent = expiry.toLocaleString();
    $('share').hidden = false;
    $('setup').hidden = true;
    $('live').hidden = false;
    connectEvents();
    setState('Asking for the microphone…');
    await startMicrophone();
    connectAudio();
    $('stop').focus();
  } catch (err) {
    $('start').disabled = false;
    setState('Not connected', true);
    showMessage(err instanceof ApiError ? explain(err)
      : 'The microphone could not be opened: ' + err.message);
  }
}

async function stop() {
  $('stop').disabled = true;
  stopMicrophone();
  setState('Ending the session…');
  try {
    await api('DELETE', '/v1/sessions/' + encodeURIComponent(state.session), state.key);
  } catch (err) {
    showMessage(explain(err));
  }
}

function ended(text, error) {
  if (state.ended) {
    return;
  }
  state.ended = true;
  stopMicrophone();
  if (state.events) {
    state.events.close(1000);
  }
  setState(text, error);
  $('controls').hidden = true;
  // The presenter's key can read the transcript; a share link's token ends with the session.
  if (!error && state.key) {
    offerDownloads();
  }
}

async function offerDownloads() {
  const path = '/v1/sessions/' + encodeURIComponent(state.session) + '/transcript?format=';
  const credential = state.key;
  try {
    for (const [id, format] of [['download-text', 'text'], ['download-srt', 'srt'], ['download-vtt', 'vtt']]) {
      const blob = await (await api('GET', path + format, credential)).blob();
      $(id).href = URL.createObjectURL(blob);
    }
    $('downloads').hidden = false;
  } catch (err) {
    showMessage('The transcript could not be fetched: ' + explain(err));
  }
}

async function copyShare() {
  try {
    await navigator.clipboard.writeText($('share-link').href);
    $('copy-share').textContent = 'Copied';
  } catch (e) {
    showMessage('Copying was refused; open the viewer and copy its address.');
  }
}

// ---- viewer ----------------------------------------------------------------------------------------------------

function viewer(params) {
  state.session = params.get('session');
  state.token = params.get('token');
  document.documentElement.classList.add('viewer');
  document.body.classList.add('viewer');
  document.title = 'Live captions (viewer)';
  $('setup').hidden = true;
  $('share').hidden = true;
  $('controls').hidden = true;
  $('live').hidden = false;
  setState('Connecting…');
  connectEvents();
}

document.addEventListener('DOMContentLoaded', () => {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('session') && params.get('token')) {
    viewer(params);
    return;
  }
  $('start-form').addEventListener('submit', start);
  $('stop').addEventListener('click', stop);
  $('copy-share').addEventListener('click', copyShare);
});
