package realtime.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import realtime.gateway.event.Details;
import realtime.gateway.session.Refusal;

/** The create bucket, the rolling audio day and usage history, on a clock the test moves. */
public class AccountTest {

    final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    Account account(int createsPerMinute, long audioSecondsPerDay) {
        ApiKey key = new ApiKey("k", Role.CLIENT, "00", new Quota(10, Duration.ofHours(1), audioSecondsPerDay,
                createsPerMinute));
        return new Account(key, now::get, Duration.ofDays(31).toMillis());
    }

    @Test
    public void createsRefillEvenlyOverAMinute() {
        Account a = account(6, 1000);
        for (int i = 0; i < 6; i++) {
            ok(a.admitCreate());
        }
        Refusal.QuotaExceeded e = refused(a.admitCreate());
        assertEquals("creates-per-minute", e.limit());
        assertEquals(10, e.retryAfterSeconds(), "one create per 10 s");
        now.addAndGet(9_999);
        refused(a.admitCreate());
        now.addAndGet(1);
        ok(a.admitCreate());
        refused(a.admitCreate());
        a.refundCreate();
        ok(a.admitCreate());
    }

    @Test
    public void audioIsLimitedOverARollingDay() {
        Account a = account(100, 60);
        ok(a.chargeAudio(40_000));
        now.addAndGet(Duration.ofHours(12).toMillis());
        ok(a.chargeAudio(20_000));
        Refusal.QuotaExceeded e = refused(a.chargeAudio(1));
        assertEquals("audio-seconds-per-day", e.limit());
        // The first 40 s leave the window 24 h after their minute; the wait is to the end of that minute + 24 h.
        assertTrue(e.retryAfterSeconds() > 12 * 3600 - 1 && e.retryAfterSeconds() <= 12 * 3600 + 60,
                "retry after " + e.retryAfterSeconds());
        refused(a.admitCreate(), "no creates once the day's audio is used");
        now.addAndGet(e.retryAfterSeconds() * 1000);
        ok(a.chargeAudio(40_000));
        assertEquals(60.0, a.audioSecondsToday());
        Refusal.QuotaExceeded whole = refused(account(100, 60).chargeAudio(61_000));
        assertTrue(whole.message().contains("more than the whole quota"), whole.message());
    }

    @Test
    public void refundedAudioIsNeitherCountedNorLimited() {
        Account a = account(100, 10);
        ok(a.chargeAudio(8000));
        a.refundAudio(8000);
        ok(a.chargeAudio(10_000));
        assertEquals(10.0, a.audioSecondsToday());
        assertEquals(10.0, a.totals(0, Long.MAX_VALUE).usage().audioSeconds());
    }

    @Test
    public void totalsCoverTheMinutesOfTheRange() {
        Account a = account(100, 1000);
        long t0 = now.get();
        ok(a.admitCreate());
        ok(a.chargeAudio(1500));
        a.upstreamUsage(new Details.TranscriptionUsage("tokens", 10L, 3L, 13L, null, null));
        now.addAndGet(Duration.ofMinutes(10).toMillis());
        ok(a.chargeAudio(500));
        a.upstreamUsage(new Details.TranscriptionUsage("duration", null, null, null, null, 1.25));
        Account.Totals all = a.totals(t0 - 60_000, now.get() + 60_000);
        assertEquals(1, all.sessionsCreated());
        assertEquals(2.0, all.usage().audioSeconds());
        assertEquals(13, all.usage().upstream().totalTokens());
        assertEquals(1.25, all.usage().upstream().durationSeconds());
        assertEquals(2, all.usage().upstream().transcriptions());
        Account.Totals later = a.totals(now.get() - 60_000, now.get() + 1);
        assertEquals(0, later.sessionsCreated());
        assertEquals(0.5, later.usage().audioSeconds());
    }

    /** The refusal that must be there. */
    private static Refusal.QuotaExceeded refused(java.util.Optional<Refusal.QuotaExceeded> r) {
        return r.orElseThrow(() -> new AssertionError("expected a quota refusal"));
    }

    private static Refusal.QuotaExceeded refused(java.util.Optional<Refusal.QuotaExceeded> r, String why) {
        return r.orElseThrow(() -> new AssertionError("expected a quota refusal: " + why));
    }

    /** No refusal. */
    @Test
    public void anAccountRestoredFromItsStoredMinutesKeepsItsUsageAndItsAudioWindow() {
        Account a = account(100, 60);
        ok(a.admitCreate());
        ok(a.chargeAudio(30_000));
        now.addAndGet(Duration.ofHours(2).toMillis());
        ok(a.chargeAudio(20_000));
        a.upstreamUsage(new Details.TranscriptionUsage("duration", null, null, null, null, 20.0));
        java.util.List<Account.Minute> stored = a.takeChanged();
        assertEquals(2, stored.size(), "two minutes changed");
        assertTrue(a.takeChanged().isEmpty(), "taken once");

        // The process restarts: a new account for the key starts from what was stored.
        Account b = account(100, 60);
        b.restore(stored);
        long from = now.get() - Duration.ofDays(1).toMillis();
        assertEquals(a.totals(from, now.get() + 1), b.totals(from, now.get() + 1));
        assertEquals(50.0, b.audioSecondsToday());
        refused(b.chargeAudio(11_000));
        ok(b.chargeAudio(10_000));
        // Minutes older than a day count as usage history but no longer against the audio quota.
        now.addAndGet(Duration.ofHours(23).toMillis());
        Account c = account(100, 60);
        c.restore(stored);
        assertEquals(20.0, c.audioSecondsToday());
    }

    private static void ok(java.util.Optional<Refusal.QuotaExceeded> r) {
        r.ifPresent(q -> {
            throw new AssertionError("refused: " + q.message());
        });
    }
}
