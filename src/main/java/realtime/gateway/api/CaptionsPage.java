package realtime.gateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The live-captions page at {@code /captions/} (static files under {@code META-INF/resources/captions}): served
 * without a credential, since it holds no data and every call it makes carries one, and with headers that keep it
 * to itself: a Content-Security-Policy that allows only its own scripts, styles and connections (no inline script,
 * no third party), no referrer, no framing, and the microphone for this origin only.
 */
@ApplicationScoped
public class CaptionsPage {

    static final String PATH = "/captions";

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    void register(@Observes Router router) {
        // Vert.x matches /captions and /captions/ alike: only the bare one is sent on to the folder.
        router.get(PATH).order(-9_000).handler(rc -> {
            if (rc.request().path().equals(PATH)) {
                rc.redirect(PATH + "/");
            } else {
                headers(rc);
            }
        });
        router.route(PATH + "/*").order(-9_000).handler(CaptionsPage::headers);
    }

    private static void headers(RoutingContext rc) {
        rc.response().putHeader("Content-Security-Policy", CSP)
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Permissions-Policy", "microphone=(self), camera=(), geolocation=()")
                .putHeader("Cache-Control", "no-cache");
        rc.next();
    }

    /** Whether {@code path} is the page or one of its static files: open to anyone, like health. */
    static boolean isPage(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }
}
