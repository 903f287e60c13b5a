package realtime.gateway.api;

import org.eclipse.microprofile.openapi.annotations.Operation;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Account;
import realtime.gateway.auth.Accounts;
import realtime.gateway.auth.ApiKey;
import realtime.gateway.auth.Authenticator;
import realtime.gateway.auth.Caller;
import realtime.gateway.event.Wire;
import realtime.gateway.session.SessionUsage;

/**
 * {@code GET /v1/usage?start_time=&end_time=&key=}: what keys used over a time range (unix seconds,
 * default the last 24 hours; one-minute resolution). A {@code client} key sees its own usage only; an
 * {@code admin} key sees every key, or the one named by {@code key}.
 */
@Path("/v1/usage")
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "Usage", description = "What each key used")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    /** One key's totals. */
    @Wire
    @RegisterForReflection
    public record KeyUsage(String key, String role, long sessionsCreated, double audioSeconds,
            SessionUsage.Upstream upstream, double audioSecondsLast24h, long audioSecondsPerDayQuota) {
    }

    /** The answer. */
    @Wire
    @RegisterForReflection
    public record UsageReport(String object, long startTime, long endTime, List<KeyUsage> data) {
    }

    private final Authenticator auth;
    private final Accounts accounts;

    public UsageResource(Authenticator auth, Accounts accounts) {
        this.auth = auth;
        this.accounts = accounts;
    }

    @GET
    @Operation(summary = "Usage per key", description = "Sessions created, audio seconds and the upstream's reported "
            + "usage per key over [start_time, end_time) (unix seconds); a client key sees only its own.")
    public UsageReport usage(@QueryParam("start_time") String start, @QueryParam("end_time") String end,
            @QueryParam("key") String keyName, RoutingContext rc) {
        long now = System.currentTimeMillis() / 1000;
        long to = end == null ? now + 1 : seconds(end, "end_time");
        long from = start == null ? to - 86_400 : seconds(start, "start_time");
        if (from >= to) {
            throw ApiException.invalid("start_time", "invalid_value",
                    "'start_time' must be before 'end_time' (got " + from + " and " + to + ").");
        }
        ApiKey caller = ((Caller.Key) AccessFilter.caller(rc)).key();
        List<ApiKey> keys;
        if (caller.admin()) {
            keys = auth.keys().isEmpty() ? List.of(caller) : auth.keys();
        } else {
            keys = List.of(caller);
        }
        if (keyName != null) {
            keys = keys.stream().filter(k -> k.name().equals(keyName)).toList();
            if (keys.isEmpty()) {
                throw ApiException.notFound("No key named '" + keyName + "' that this key may see.");
            }
        }
        List<KeyUsage> data = keys.stream().map(k -> {
            Account a = accounts.of(k);
            Account.Totals t = a.totals(from * 1000, to * 1000);
            return new KeyUsage(k.name(), k.role().wire(), t.sessionsCreated(), t.usage().audioSeconds(),
                    t.usage().upstream(), a.audioSecondsToday(), k.quota().audioSecondsPerDay());
        }).toList();
        return new UsageReport("gateway.usage", from, to, data);
    }

    private static long seconds(String v, String param) {
        try {
            long n = Long.parseLong(v.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw ApiException.invalid(param, "invalid_value", "'" + param + "' must be unix seconds; got '" + v + "'.");
    }
}
