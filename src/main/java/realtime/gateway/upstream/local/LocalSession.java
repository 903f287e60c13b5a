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
import realtime.gateway.event.Errors;
import realtime.gateway.event.Ids;
import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.Item;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Session;
import realtime.gateway.event.SessionEvent;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.vad.SpeechDetector;
import realtime.gateway.vad.SpeechModel;

/**
 * One local transcription session, speaking the GA event sequence of protocol.md §f.2: a configured
 * session; voice activity detection (a {@link SpeechDetector}) that honours {@code threshold},
 * {@code prefix_padding_ms} and {@code silence_duration_ms}; committed turns with their items; while a turn
 * is spoken, {@code gateway.transcription.partial} captions; once it ends, one delta per word and
 * {@code completed} with {@code duration} usage. With turn detection off only explicit commits make items.
 * Audio is kept at 24 kHz (anything else is converted on the way in). All state is touched on one serial
 * executor, so events leave in order.
 */
final class LocalSession implements UpstreamConnection {

    /** New speech audio between two partial captions. */
    static final int PARTIAL_EVERY_SAMPLES = LocalEngine.RATE / 4;
    static final String LOGPROBS = "item.input_audio_transcription.logprobs";

    private final LocalEngine engine;
    private final SpeechModel vadModel;
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

    /** Audio since the last commit (24 kHz) and the absolute sample index of its first sample. */
    private short[] buffer = new short[LocalEngine.RATE * 2];
    private int buffered;
    private long bufferStart;
    private SpeechDetector vad;
    /** The turn being spoken: its engine turn, item, first sample and captions. */
    private Turn speech;
    private String speechItem;
    private long speechFrom;
    private TurnEvents results;
    private int sinceCaption;
    private String previousItem;
    private boolean closed;

    LocalSession(LocalEngine engine, SpeechModel vadModel, RealtimeCodec codec, Executor serial,
            UpstreamListener listener) {
        this.engine = engine;
        this.vadModel = vadModel;
        this.codec = codec;
        this.serial = serial;
        this.listener = listener;
        this.vad = detector();
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
                dropSpeech();
                vad.close();
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
            bufferStart += buffered;
            buffered = 0;
            dropSpeech();
            vad.interrupt();
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
                format = Session.AudioFormat.PCM.equals(t) ? new Session.AudioFormat(t, Pcm.UPSTREAM_RATE)
                        : new Session.AudioFormat(t, null);
            }
            if (in.transcription() != null) {
                String language = in.transcription().flatMap(x -> x.language() == null ? Optional.empty() : x.language())
                        .orElse(null);
                if (language != null && !language.isEmpty() && !LocalUpstream.LANGUAGE.equals(language)) {
                    error("invalid_value", LocalUpstream.englishOnly(language),
                            "session.audio.input.transcription.language", u.eventId());
                    return;
                }
                transcription = in.transcription();
            }
            if (in.noiseReduction() != null) {
                noise = in.noiseReduction();
            }
            if (in.turnDetection() != null) {
                turn = in.turnDetection();
                vad.close();
                vad = detector();
                dropSpeech();
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

    /** Samples at {@code sampleRate}: into the buffer at 24 kHz, the turn being spoken, and the VAD. */
    private void append(short[] samples, int sampleRate) {
        short[] s = sampleRate == LocalEngine.RATE ? samples : Resampler.resample(samples, sampleRate, LocalEngine.RATE);
        if (buffered + s.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, buffered + s.length));
        }
        System.arraycopy(s, 0, buffer, buffered, s.length);
        buffered += s.length;
        if (turn.isEmpty() && speech == null && transcription.isPresent()) {
            startSpeech(null, bufferStart); // manual commits: the turn is everything since the last one
        } else if (speech != null) {
            speech.append(s, 0, s.length);
        }
        if (turn.isPresent()) {
            vad.accept(s);
        }
        caption(s.length);
    }

    // ---- turns -------------------------------------------------------------------------------------

    private SpeechDetector detector() {
        Session.TurnDetection td = turn.orElse(null);
        SpeechDetector.Settings settings = new SpeechDetector.Settings(
                td == null || td.threshold() == null ? Session.TurnDetection.DEFAULT_THRESHOLD : td.threshold(),
                ms(td == null ? null : td.prefixPaddingMs(), Session.TurnDetection.DEFAULT_PREFIX_PADDING_MS),
                ms(td == null ? null : td.silenceDurationMs(), Session.TurnDetection.DEFAULT_SILENCE_DURATION_MS));
        long offset = position();
        return new SpeechDetector(vadModel, LocalEngine.RATE, settings, new SpeechDetector.Listener() {
            @Override
            public void started(long paddedStartMs, long speechStartMs) {
                String item = itemId();
                emit(new InputAudioEvent.SpeechStarted(InputAudioEvent.SpeechStarted.TYPE, eventId(),
                        ms(offset) + paddedStartMs, item));
                startSpeech(item, Math.max(bufferStart, offset + samples(paddedStartMs)));
            }

            @Override
            public void stopped(long speechEndMs) {
                String item = speechItem != null ? speechItem : itemId();
                emit(new InputAudioEvent.SpeechStopped(InputAudioEvent.SpeechStopped.TYPE, eventId(),
                        ms(offset) + speechEndMs, item));
                commitTurn(item);
            }
        });
    }

    /** A turn begins at absolute sample {@code from}: what the buffer holds since goes to the engine. */
    private void startSpeech(String item, long from) {
        dropSpeech();
        if (transcription.isEmpty()) {
            speechItem = item;
            speechFrom = from;
            return;
        }
        results = new TurnEvents(serial, this::emit, () -> include.map(l -> l.contains(LOGPROBS)).orElse(false),
                item, ms(from));
        speech = engine.turn(results);
        speechItem = item;
        speechFrom = from;
        sinceCaption = 0;
        int offset = (int) (from - bufferStart);
        speech.append(buffer, offset, buffered - offset);
    }

    private void dropSpeech() {
        if (speech != null) {
            speech.cancel();
        }
        speech = null;
        speechItem = null;
        results = null;
    }

    /** Asks for a caption after every {@link #PARTIAL_EVERY_SAMPLES} of a turn being spoken. */
    private void caption(int added) {
        if (speech == null) {
            return;
        }
        sinceCaption += added;
        if (sinceCaption >= PARTIAL_EVERY_SAMPLES) {
            sinceCaption = 0;
            speech.requestPartial();
        }
    }

    private void commit(String clientEventId) {
        if (buffered * 1000L / LocalEngine.RATE < 100) {
            error("input_audio_buffer_commit_empty", "Error committing input audio buffer: buffer too small. Expected "
                    + "at least 100ms of audio, but buffer only has "
                    + String.format("%.2f", buffered * 1000.0 / LocalEngine.RATE) + "ms of audio.", null, clientEventId);
            return;
        }
        vad.interrupt();
        if (speech == null || speechFrom > bufferStart) {
            startSpeech(speechItem, bufferStart); // the whole buffer is the turn, as OpenAI commits it
        }
        commitTurn(speechItem != null ? speechItem : itemId());
    }

    /** Commits the buffer as {@code item}: the items, then the engine's final result for the turn. */
    private void commitTurn(String item) {
        Turn t = speech;
        TurnEvents r = results;
        speech = null;
        speechItem = null;
        results = null;
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
        if (t != null) {
            r.committed(item);
            t.end();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private Session session() {
        return new Session(Session.TYPE_TRANSCRIPTION, sessionId, Session.OBJECT_TRANSCRIPTION, expiresAt, null, null,
                null, null, null, null, null, null, null, null, include,
                new Session.Audio(new Session.AudioInput(format, transcription, noise, turn), null), null, null, null,
                null, null, null, null, null, null, null, null, null);
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

    private static long ms(long samples) {
        return samples * 1000 / LocalEngine.RATE;
    }

    private static long samples(long ms) {
        return ms * LocalEngine.RATE / 1000;
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

    static String eventId() {
        return Ids.random("event_", 21);
    }

    private static String itemId() {
        return Ids.random("item_", 21);
    }
}
