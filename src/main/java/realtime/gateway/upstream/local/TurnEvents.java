package realtime.gateway.upstream.local;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import realtime.gateway.event.Details;
import realtime.gateway.event.TranscriptionEvent;

/**
 * What one turn's engine results become on the wire, brought back onto the session's serial executor:
 * partial captions while it is spoken (none once it is committed), then one delta per word and
 * {@code completed} with {@code duration} usage, or {@code failed}. The item id is known from
 * {@code speech_started}, or only at the commit in manual-commit sessions.
 */
final class TurnEvents implements Turn.Results {

    private final Executor serial;
    private final Consumer<Object> emit;
    private final BooleanSupplier logprobs;
    private final long startMs;
    private final Captions captions = new Captions();
    private String item;
    private boolean committed;

    /**
     * @param emit sends an event from the session (nothing once it is closed)
     * @param logprobs whether the session's {@code include} asks for log-probabilities now
     */
    TurnEvents(Executor serial, Consumer<Object> emit, BooleanSupplier logprobs, String item, long startMs) {
        this.serial = serial;
        this.emit = emit;
        this.logprobs = logprobs;
        this.item = item;
        this.startMs = startMs;
    }

    /** The turn was committed as {@code id}: no more captions, the final result comes under this id. */
    void committed(String id) {
        item = id;
        committed = true;
    }

    @Override
    public void partial(List<Turn.Word> words, long audioMs) {
        serial.execute(() -> {
            if (!committed) {
                Captions.Partial p = captions.partial(LocalSession.eventId(), item, startMs, audioMs, words);
                if (p != null) {
                    emit.accept(p);
                }
            }
        });
    }

    @Override
    public void done(List<Turn.Word> words, long audioMs) {
        serial.execute(() -> {
            boolean withLogprobs = logprobs.getAsBoolean();
            List<String> deltas = Captions.deltas(words);
            for (int i = 0; i < deltas.size(); i++) {
                emit.accept(new TranscriptionEvent.Delta(TranscriptionEvent.Delta.TYPE, LocalSession.eventId(), item, 0,
                        deltas.get(i), withLogprobs ? Optional.of(List.of(Captions.logprob(deltas.get(i),
                                words.get(i).conf()))) : null, null));
            }
            emit.accept(new TranscriptionEvent.Completed(TranscriptionEvent.Completed.TYPE, LocalSession.eventId(), item,
                    0, Captions.text(words), Optional.of(new Details.TranscriptionUsage(
                            Details.TranscriptionUsage.DURATION, null, null, null, null, audioMs / 1000.0)),
                    Captions.logprobs(words, withLogprobs), null));
        });
    }

    @Override
    public void failed(Throwable error) {
        serial.execute(() -> emit.accept(new TranscriptionEvent.Failed(TranscriptionEvent.Failed.TYPE,
                LocalSession.eventId(), item, 0, new Details.ErrorDetail("transcription_error",
                        Optional.of("engine_error"), "The local engine could not transcribe this turn.",
                        Optional.empty(), Optional.empty()))));
    }
}
