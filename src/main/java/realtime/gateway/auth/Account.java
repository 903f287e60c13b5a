package realtime.gateway.auth;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import realtime.gateway.event.Details;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionUsage;
import realtime.gateway.session.UsageSink;

/**
 * One key's quotas and usage. Session creates are limited by a token bucket ({@code creates-per-minute}
 * tokens, refilled evenly over a minute); audio by a rolling 24-hour window kept in one-minute buckets;
 * usage history is kept per minute for {@code gateway.auth.usage-retention}. Thread-safe.
 */
public final class Account implements UsageSink {

    static final long MINUTE_MS = 60_000;
    static final long DAY_MS = 86_400_000;

    /** One minute of history. */
    private static final class Bucket {
        long sessions;
        final SessionUsage.Counter usage = new SessionUsage.Counter();
    }

    /** What a key used over a time range. */
    public record Totals(long sessionsCreated, SessionUsage usage) {
    }

    /** One minute of a key's history as the store keeps it ({@code minute}: epoch minutes). */
    public record Minute(long minute, long sessions, SessionUsage usage) {
    }

    private final ApiKey key;
    private final LongSupplier clock;
    private final long retentionMs;
    private final double createsPerMs;
    private double createTokens;
    private long refilledAt;
    /** Audio per minute within the last 24 hours, oldest first: {minute, ms}. */
    private final ArrayDeque<double[]> dayAudio = new ArrayDeque<>();
    private double dayAudioMs;
    private final TreeMap<Long, Bucket> history = new TreeMap<>();
    /** Minutes changed since the store last took them. */
    private final java.util.Set<Long> dirty = new java.util.HashSet<>();

    public Account(ApiKey key, LongSupplier clock, long retentionMs) {
        this.key = key;
        this.clock = clock;
        this.retentionMs = retentionMs;
        this.createsPerMs = key.quota().createsPerMinute() / (double) MINUTE_MS;
        this.createTokens = key.quota().createsPerMinute();
        this.refilledAt = clock.getAsLong();
    }

    /**
     * Takes one session create from the bucket, after checking that the key still has audio left today.
     *
     * @return the refusal naming {@code creates-per-minute} or {@code audio-seconds-per-day}, if refused
     */
    public synchronized Optional<Refusal.QuotaExceeded> admitCreate() {
        long now = clock.getAsLong();
        refill(now);
        if (createTokens < 1) {
            long wait = (long) Math.ceil((1 - createTokens) / createsPerMs / 1000.0);
            return Optional.of(new Refusal.QuotaExceeded("creates-per-minute", "Key '" + key.name() + "' may create "
                    + key.quota().createsPerMinute() + " sessions per minute (creates-per-minute); retry after "
                    + Math.max(wait, 1) + " s.", wait));
        }
        double limitMs = key.quota().audioSecondsPerDay() * 1000.0;
        expireAudio(now);
        if (dayAudioMs >= limitMs) {
            long wait = audioWait(now, 1, limitMs);
            return Optional.of(new Refusal.QuotaExceeded("audio-seconds-per-day", "Key '" + key.name() + "' has sent its "
                    + key.quota().audioSecondsPerDay() + " s of audio for the last 24 hours (audio-seconds-per-day); "
                    + "retry after " + wait + " s.", wait));
        }
        createTokens -= 1;
        bucket(now).sessions++;
        return Optional.empty();
    }

    /** Gives back a create that did not happen (the session was refused further on). */
    public synchronized void refundCreate() {
        createTokens = Math.min(key.quota().createsPerMinute(), createTokens + 1);
        long minute = clock.getAsLong() / MINUTE_MS;
        Bucket b = history.get(minute);
        if (b != null && b.sessions > 0) {
            b.sessions--;
            dirty.add(minute);
        }
    }

    @Override
    public synchronized Optional<Refusal.QuotaExceeded> chargeAudio(double ms) {
        long now = clock.getAsLong();
        expireAudio(now);
        double limitMs = key.quota().audioSecondsPerDay() * 1000.0;
        if (dayAudioMs + ms > limitMs) {
            long wait = audioWait(now, ms, limitMs);
            return Optional.of(new Refusal.QuotaExceeded("audio-seconds-per-day", String.format(java.util.Locale.ROOT,
                    "Key '%s' may send %d s of audio in any 24 hours (audio-seconds-per-day): %.3f s used, this audio "
                            + "is %.3f s%s; nothing of it was sent.",
                    key.name(), key.quota().audioSecondsPerDay(), dayAudioMs / 1000, ms / 1000,
                    ms > limitMs ? ", more than the whole quota: send it in smaller parts" : "; retry after " + wait + " s"),
                    wait));
        }
        long minute = now / MINUTE_MS;
        double[] last = dayAudio.peekLast();
        if (last != null && last[0] == minute) {
            last[1] += ms;
        } else {
            dayAudio.addLast(new double[] { minute, ms });
        }
        dayAudioMs += ms;
        bucket(now).usage.audio(ms);
        return Optional.empty();
    }

    @Override
    public synchronized void refundAudio(double ms) {
        double[] last = dayAudio.peekLast();
        if (last != null) {
            double back = Math.min(ms, last[1]);
            last[1] -= back;
            dayAudioMs -= back;
        }
        bucket(clock.getAsLong()).usage.audio(-ms);
    }

    @Override
    public synchronized void upstreamUsage(Details.TranscriptionUsage usage) {
        bucket(clock.getAsLong()).usage.upstream(usage);
    }

    /** Usage in the minutes that overlap {@code [fromMs, toMs)}. */
    public synchronized Totals totals(long fromMs, long toMs) {
        long sessions = 0;
        SessionUsage.Counter sum = new SessionUsage.Counter();
        long first = fromMs / MINUTE_MS;
        long last = (toMs - 1) / MINUTE_MS;
        if (last >= first) {
            for (Map.Entry<Long, Bucket> e : history.subMap(first, true, last, true).entrySet()) {
                sessions += e.getValue().sessions;
                sum.add(e.getValue().usage.view());
            }
        }
        return new Totals(sessions, sum.view());
    }

    /** Seconds of audio sent in the last 24 hours. */
    public synchronized double audioSecondsToday() {
        expireAudio(clock.getAsLong());
        return dayAudioMs / 1000;
    }

    private void refill(long now) {
        createTokens = Math.min(key.quota().createsPerMinute(), createTokens + (now - refilledAt) * createsPerMs);
        refilledAt = now;
    }

    private void expireAudio(long now) {
        long oldest = (now - DAY_MS) / MINUTE_MS;
        while (!dayAudio.isEmpty() && dayAudio.peekFirst()[0] <= oldest) {
            dayAudioMs -= dayAudio.pollFirst()[1];
        }
        if (dayAudio.isEmpty()) {
            dayAudioMs = 0;
        }
    }

    /** Seconds until enough of the window has rolled off for {@code ms} more to fit. */
    private long audioWait(long now, double ms, double limitMs) {
        if (ms > limitMs) {
            return DAY_MS / 1000;
        }
        double freed = 0;
        for (double[] m : dayAudio) {
            freed += m[1];
            if (dayAudioMs - freed + ms <= limitMs) {
                long at = ((long) m[0] + 1) * MINUTE_MS + DAY_MS;
                return Math.max(1, (at - now + 999) / 1000);
            }
        }
        return DAY_MS / 1000;
    }

    /** The minutes changed since the last call, as they are now. */
    public synchronized java.util.List<Minute> takeChanged() {
        java.util.List<Minute> out = new java.util.ArrayList<>(dirty.size());
        for (long m : dirty) {
            Bucket b = history.get(m);
            if (b != null) {
                out.add(new Minute(m, b.sessions, b.usage.view()));
            }
        }
        dirty.clear();
        return out;
    }

    /**
     * Puts stored minutes back (at start, before any new use): usage history and, for the last 24 hours, the
     * audio quota window. Minutes past retention are ignored.
     */
    public synchronized void restore(java.util.List<Minute> minutes) {
        long now = clock.getAsLong();
        long oldestKept = (now - retentionMs) / MINUTE_MS;
        long oldestToday = (now - DAY_MS) / MINUTE_MS;
        minutes.stream().sorted((a, b) -> Long.compare(a.minute(), b.minute())).forEach(m -> {
            if (m.minute() < oldestKept) {
                return;
            }
            Bucket b = history.computeIfAbsent(m.minute(), k -> new Bucket());
            b.sessions += m.sessions();
            b.usage.add(m.usage());
            double ms = m.usage().audioSeconds() * 1000;
            if (m.minute() > oldestToday && ms > 0) {
                dayAudio.addLast(new double[] { m.minute(), ms });
                dayAudioMs += ms;
            }
        });
    }

    private Bucket bucket(long now) {
        long minute = now / MINUTE_MS;
        dirty.add(minute);
        Bucket b = history.get(minute);
        if (b == null) {
            b = new Bucket();
            history.put(minute, b);
            history.headMap((now - retentionMs) / MINUTE_MS).clear();
        }
        return b;
    }
}
