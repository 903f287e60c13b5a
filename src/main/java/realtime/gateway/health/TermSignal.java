package realtime.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import realtime.gateway.session.SessionRegistry;

/**
 * SIGTERM (a Kubernetes rolling update) drains the sessions while the server still serves them, then stops
 * the application with exit code 0. Left to the JVM, TERM would run the shutdown hook, in which the HTTP
 * server closes before the sessions can send their last events, and exit with 143, which supervisors read
 * as a failure.
 */
@ApplicationScoped
public class TermSignal {

    private static final Logger LOG = Logger.getLogger(TermSignal.class);

    private final SessionRegistry registry;

    public TermSignal(SessionRegistry registry) {
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent ev) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
                LOG.info("SIGTERM: draining open sessions, then exiting");
                registry.drain(); // on the signal's own thread: blocking here holds nothing else up
                Quarkus.asyncExit(0);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // The platform keeps TERM for itself: the JVM's shutdown hook still drains, with exit code 143.
            LOG.debugf("SIGTERM stays with the JVM: %s", e.getMessage());
        }
    }
}
