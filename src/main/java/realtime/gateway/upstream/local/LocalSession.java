package realtime.gateway.upstream.local;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Resampler;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.ClientFrame;
import realtime.gateway.event.ConversationEvent;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.Details;
import realtime.gateway.event.Errors;
import realtime.gateway.event.Ids;
import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.Item;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Session;
import realtime.gateway.event.SessionEvent;
import realtime.gateway.event.TranscriptionEvent;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;

/**
 * One local transcription session, speaking the GA event sequence of protocol.md §f.2: a configured
 * session, voice activity detection that honours {@code threshold}, {@code prefix_padding_ms} and
 * {@code silence_duration_ms}, committed turns with their items, transcription deltas as the decoder
 * finishes segments, and {@code completed} with {@code duration} usage. With turn detection off only
 * explicit commits make items. All state is touched on one serial executor, so events leave in order.
 */
final class LocalSession implements UpstreamConnection {

    /** VAD frame length. */
    private static final int FRAME_MS = 10;
    /** Consecutive loud frames before speech counts as started (ignores clicks). */
    private static final int START_FRAMES = 3;

    private final LocalEngine engine;
    private final RealtimeCodec codec;
    private final Executor serial;
    private final UpstreamListener listener;
    private final String sessionId = Ids.random("sess_", 21);
    private final long expiresAt = System.currentTimeMillis() / 1000 + 3600;

    private Session.AudioFormat format = new Session.AudioFormat(Session.AudioFormat.PCM, Pcm.UPSTREAM_RATE);
    private Optional<Session.AudioTranscription> transcription = Optional.empty();
    private Optional<Session.NoiseReduction> noise = Optional.empty();
    private Optional<Session.TurnDetection> turn = Optional.of(new Session.TurnDetection(
            Session.TurnDetection.SERVER_VAD, Session.TurnDetection.DEFAULT_THRESHOLD,
            Session.TurnDetection.DEFAULT_PREFIX_PADDING_MS, Session.TurnDetection.DEFAULT_SILENCE_DURATION_MS, null,
            null, null, null));
    private Optional<List<String>> include = Optional.empty();

    /** Audio since the last commit, at {@link #bufferRate}. */
    private short[] buffer = new short[48000];
    private int bufferRate = Pcm.UPSTREAM_RATE;
    private int buffered;
    /** Absolute sample index (since the session's first audio) of {@code buffer[0]}. */
    private long bufferStart;
    private short[] frame = new short[0];
    private int frameFill;
    private boolean inSpeech;
    private int loudFrames;
    private long speechStart;
    private long lastLoudEnd;
    private String speechItem;
    private String previousItem;
    private boolean closed;

    LocalSession(LocalEngine engine, RealtimeCodec codec, Executor serial, UpstreamListener listener) {
        this.engine = engine;
        this.codec = codec;
        this.serial = serial;
        this.listener = listener;
    }

    void open() {
        serial.execute(() -> emit(new SessionEvent.Created(SessionEvent.Created.TYPE, eventId(), session())));
    }

    @Override
    public CompletionStage<Void> appendAudio(byte[] audio, AudioFormat format) {
        return run(() -> append(format.samples(audio), format.rate()));
    }

    @Override
    public CompletionStage<Void> send(ClientEvent event) {
        return run(() -> handle(event));
    }

    @Override
    public CompletionStage<Void> sendRaw(String text) {
        return run(() -> {
            ClientFrame f = codec.decodeClient(text);
            if (f.ok()) {
                handle(f.event());
            } else {
                emit(Errors.event(eventId(), f.error()));
            }
        });
    }

    /** Runs one input on the session's serial executor; done when it has been handled. */
    private CompletionStage<Void> run(Runnable input) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        serial.execute(() -> {
            if (!closed) {
                input.run();
            }
            done.complete(null);
        });
        return done;
    }

    /** Input is decoded into the session's buffer as it comes: there is no transport queue to fill. */
    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void onDrain(Runnable ready) {
        ready.run();
    }

    @Override
    public void close(int code, String reason) {
        serial.execute(() -> {
            if (!closed) {
                closed = true;
                listener.onClosed(code, reason);
            }
        });
    }

    // ---- client events -----------------------------------------------------------------------------

    private void handle(ClientEvent e) {
        if (e instanceof ClientEvent.TranscriptionSessionUpdate u && u.session() != null) {
            update(new ClientEvent.SessionUpdate(u.eventId(), Dialects.toGa(u.session())));
        } else if (e instanceof ClientEvent.SessionUpdate u) {
            update(u);
        } else if (e instanceof ClientEvent.InputAudioBufferAppend a) {
            append(a);
        } else if (e instanceof ClientEvent.InputAudioBufferCommit c) {
            commit(c.eventId());
        } else if (e instanceof ClientEvent.InputAudioBufferClear) {
            buffered = 0;
            bufferStart = position();
            inSpeech = false;
            loudFrames = 0;
            speechItem = null;
            emit(new InputAudioEvent.Cleared(InputAudioEvent.Cleared.TYPE, eventId()));
        } else {
            error("invalid_value", "Invalid value: '" + e.type() + "'. A transcription session accepts session.update "
                    + "and input_audio_buffer.append, commit and clear.", "type", e.eventId());
        }
    }

    private void update(ClientEvent.SessionUpdate u) {
        Session s = u.session();
        if (s == null || !Session.TYPE_TRANSCRIPTION.equals(s.type())) {
            error("invalid_value", "session.type must be \"transcription\" on a transcription session.",
                    "session.type", u.eventId());
            return;
        }
        Session.AudioInput in = s.audio() == null ? null : s.audio().input();
        if (in != null) {
            if (in.format() != null) {
                String t = in.format().type();
                if (!Session.AudioFormat.PCM.equals(t) && !Session.AudioFormat.PCMU.equals(t)
                        && !Session.AudioFormat.PCMA.equals(t)) {
                    error("invalid_value", "Invalid value: '" + t + "'.", "session.audio.input.format.type", u.eventId());
                    return;
                }
                if (buffered > 0 && !t.equals(format.type())) {
                    error("invalid_value", "The input format cannot change while audio is buffered; clear first.",
                            "session.audio.input.format.type", u.eventId());
                    return;
                }
                format = Session.AudioFormat.PCM.equals(t) ? new Session.AudioFormat(t, Pcm.UPSTREAM_RATE)
                        : new Session.AudioFormat(t, null);
            }
            if (in.transcription() != null) {
                transcription = in.transcription();
            }
            if (in.noiseReduction() != null) {
                noise = in.noiseReduction();
            }
            if (in.turnDetection() != null) {
                turn = in.turnDetection();
                inSpeech = false;
                loudFrames = 0;
            }
        }
        if (s.include() != null) {
            include = s.include();
        }
        emit(new SessionEvent.Updated(SessionEvent.Updated.TYPE, eventId(), session()));
    }

    /** An append event (only from verbatim pass-through; the gateway sends audio as bytes). */
    private void append(ClientEvent.InputAudioBufferAppend a) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(a.audio() == null ? "" : a.audio());
        } catch (IllegalArgumentException ex) {
            error("invalid_value", "'audio' is not valid base64.", "audio", a.eventId());
            return;
        }
        AudioFormat f = inputFormat();
        if (bytes.length % f.frameBytes() != 0) {
            error("invalid_value", "audio/pcm needs an even number of bytes.", "audio", a.eventId());
            return;
        }
        append(f.samples(bytes), f.rate());
    }

    /**
     * Samples at {@code sampleRate} into the buffer. The buffer takes the rate of the first audio after a
     * commit or clear, so an upload at the engine's own rate is never resampled on the way in; audio at
     * another rate while the buffer holds some is converted to the buffer's rate.
     */
    private void append(short[] samples, int sampleRate) {
        if (sampleRate != bufferRate) {
            if (buffered == 0 && !inSpeech && frameFill == 0) {
                bufferStart = bufferStart * sampleRate / bufferRate;
                bufferRate = sampleRate;
            } else {
                samples = Resampler.resample(samples, sampleRate, bufferRate);
            }
        }
        for (short s : samples) {
            push(s);
        }
    }

    private void push(short sample) {
        if (buffered == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        buffer[buffered++] = sample;
        int frameLen = rate() * FRAME_MS / 1000;
        if (frame.length != frameLen) {
            frame = new short[frameLen];
            frameFill = 0;
        }
        frame[frameFill++] = sample;
        if (frameFill == frameLen) {
            frameFill = 0;
            vad(loud(frame));
        }
    }

    // ---- voice activity detection ------------------------------------------------------------------

    /** A frame is speech when its level is above a threshold mapped from 0..1 onto −70..−20 dBFS. */
    private boolean loud(short[] f) {
        double threshold = turn.map(t -> t.threshold()).orElse(Session.TurnDetection.DEFAULT_THRESHOLD);
        double sum = 0;
        for (short s : f) {
            sum += (double) s * s;
        }
        double rms = Math.sqrt(sum / f.length) / 32768.0;
        double dbfs = 20 * Math.log10(Math.max(rms, 1e-9));
        return dbfs > -70 + 50 * threshold;
    }

    private void vad(boolean loud) {
        if (turn.isEmpty()) {
            return;
        }
        Session.TurnDetection td = turn.get();
        long now = position();
        long frameLen = rate() * FRAME_MS / 1000;
        if (!inSpeech) {
            loudFrames = loud ? loudFrames + 1 : 0;
            if (loudFrames >= START_FRAMES) {
                inSpeech = true;
                speechStart = now - loudFrames * frameLen;
                lastLoudEnd = now;
                speechItem = itemId();
                long prefix = ms(td.prefixPaddingMs(), Session.TurnDetection.DEFAULT_PREFIX_PADDING_MS);
                emit(new InputAudioEvent.SpeechStarted(InputAudioEvent.SpeechStarted.TYPE, eventId(),
                        Math.max(0, toMs(speechStart) - prefix), speechItem));
            }
            return;
        }
        if (loud) {
            lastLoudEnd = now;
        } else if (toMs(now - lastLoudEnd) >= ms(td.silenceDurationMs(), Session.TurnDetection.DEFAULT_SILENCE_DURATION_MS)) {
            inSpeech = false;
            loudFrames = 0;
            String item = speechItem;
            speechItem = null;
            emit(new InputAudioEvent.SpeechStopped(InputAudioEvent.SpeechStopped.TYPE, eventId(), toMs(lastLoudEnd),
                    item));
            long from = Math.max(bufferStart, speechStart - rate() * ms(td.prefixPaddingMs(), Session.TurnDetection.DEFAULT_PREFIX_PADDING_MS) / 1000);
            commitTurn(item, from);
        }
    }

    // ---- turns -------------------------------------------------------------------------------------

    private void commit(String clientEventId) {
        if (buffered * 1000L / rate() < 100) {
            error("input_audio_buffer_commit_empty", "Error committing input audio buffer: buffer too small. Expected "
                    + "at least 100ms of audio, but buffer only has " + String.format("%.2f", buffered * 1000.0 / rate())
                    + "ms of audio.", null, clientEventId);
            return;
        }
        String item = speechItem != null ? speechItem : itemId();
        inSpeech = false;
        loudFrames = 0;
        speechItem = null;
        commitTurn(item, bufferStart);
    }

    /** Commits the buffer from absolute sample {@code from} to now as {@code item} and transcribes it. */
    private void commitTurn(String item, long from) {
        int offset = (int) (from - bufferStart);
        short[] audio = Arrays.copyOfRange(buffer, Math.max(0, offset), buffered);
        bufferStart += buffered;
        buffered = 0;
        String previous = previousItem;
        previousItem = item;
        emit(new InputAudioEvent.Committed(InputAudioEvent.Committed.TYPE, eventId(), Optional.ofNullable(previous), item));
        Item userItem = new Item(item, Item.TYPE_MESSAGE, "realtime.item", "completed", "user",
                List.of(new Item.ContentPart("input_audio", null, null, Optional.empty(), null, null, null)), null,
                null, null, null, null, null, null, null, null, null);
        emit(new ConversationEvent.ItemAdded(ConversationEvent.ItemAdded.TYPE, eventId(), Optional.ofNullable(previous), userItem));
        emit(new ConversationEvent.ItemDone(ConversationEvent.ItemDone.TYPE, eventId(), Optional.ofNullable(previous), userItem));
        if (transcription.isEmpty()) {
            return;
        }
        double seconds = audio.length / (double) rate();
        byte[] pcm16k = new Pcm(LocalEngine.RATE, 1, Resampler.resample(audio, rate(), LocalEngine.RATE))
                .toLittleEndian();
        engine.transcribe(pcm16k, segment -> serial.execute(() -> emit(new TranscriptionEvent.Delta(
                TranscriptionEvent.Delta.TYPE, eventId(), item, 0, segment, null, null))))
                .whenComplete((text, err) -> serial.execute(() -> {
                    if (err != null) {
                        emit(new TranscriptionEvent.Failed(TranscriptionEvent.Failed.TYPE, eventId(), item, 0,
                                new Details.ErrorDetail("transcription_error", Optional.of("engine_error"),
                                        "The local engine could not transcribe this turn.", Optional.empty(),
                                        Optional.empty())));
                    } else {
                        emit(new TranscriptionEvent.Completed(TranscriptionEvent.Completed.TYPE, eventId(), item, 0, text,
                                Optional.of(new Details.TranscriptionUsage(Details.TranscriptionUsage.DURATION, null, null,
                                        null, null, Math.round(seconds * 1000) / 1000.0)),
                                null, null));
                    }
                }));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private Session session() {
        return new Session(Session.TYPE_TRANSCRIPTION, sessionId, Session.OBJECT_TRANSCRIPTION, expiresAt, null, null,
                null, null, null, null, null, null, null, null, include,
                new Session.Audio(new Session.AudioInput(format, transcription, noise, turn), null), null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** The rate of the samples in the buffer. */
    private int rate() {
        return bufferRate;
    }

    /** The session's input format, for append events. */
    private AudioFormat inputFormat() {
        return switch (format.type()) {
            case Session.AudioFormat.PCMU -> AudioFormat.PCMU;
            case Session.AudioFormat.PCMA -> AudioFormat.PCMA;
            default -> AudioFormat.PCM16_24K;
        };
    }

    /** Absolute sample index of the next sample. */
    private long position() {
        return bufferStart + buffered;
    }

    private long toMs(long samples) {
        return samples * 1000 / rate();
    }

    private static long ms(Integer value, long fallback) {
        return value == null ? fallback : value;
    }

    private void error(String code, String message, String param, String clientEventId) {
        emit(Errors.event(eventId(), Errors.invalidRequest(code, message, param, clientEventId)));
    }

    private void emit(Object event) {
        if (!closed) {
            listener.onFrame(codec.write(event));
        }
    }

    private static String eventId() {
        return Ids.random("event_", 21);
    }

    private static String itemId() {
        return Ids.random("item_", 21);
    }
}
