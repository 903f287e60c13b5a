package realtime.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** Repeated WARN lines of one cause are one line a minute; another cause has its own minute. */
class ThrottledTest {

    @Test
    void aCauseRepeatedIsLoggedOnceAMinuteAndOtherCausesStillAre() {
        String name = "throttled-test-" + System.nanoTime();
        List<String> lines = new ArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(name);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            Logger log = Logger.getLogger(name);
            for (int i = 0; i < 500; i++) {
                Throttled.warn(log, "upstream lost: 1006", "session s" + i + ": upstream lost (1006)");
            }
            Throttled.warn(log, "store unreadable", "the store could not be read");
            assertEquals(2, lines.size(), String.valueOf(lines));
            assertTrue(lines.get(0).contains("session s0"), lines.get(0));
            assertEquals("the store could not be read", lines.get(1));
        } finally {
            jul.removeHandler(capture);
        }
    }
}
