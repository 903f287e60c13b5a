package realtime.gateway.testing;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.quarkus.websockets.next.WebSocket;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/**
 * Every HTTP endpoint and WebSocket the application serves, read from the application itself: JAX-RS
 * resource methods and {@code @WebSocket} endpoints from the compiled classes, plain Vert.x routes from the
 * running router. A new endpoint is therefore covered by the access tests without anyone listing it.
 */
public final class Endpoints {

    /** One endpoint: HTTP method (GET for sockets), path template with {@code {name}} parameters, socket or not. */
    public record Endpoint(String method, String path, boolean webSocket) {
        public boolean sessionScoped() {
            return path.contains("{id}");
        }

        @Override
        public String toString() {
            return (webSocket ? "WS " : method + " ") + path;
        }
    }

    private Endpoints() {
    }

    public static List<Endpoint> all(Router router) throws IOException, URISyntaxException, ClassNotFoundException {
        List<Endpoint> out = new ArrayList<>();
        // The application's compiled classes (Maven runs tests from the project directory).
        Path root = Path.of("target", "classes").toAbsolutePath();
        List<String> classes;
        try (Stream<Path> files = Files.walk(root.resolve("realtime/gateway"))) {
            classes = files.map(p -> root.relativize(p).toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - 6).replace('/', '.').replace('\\', '.')).sorted().toList();
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        for (String name : classes) {
            Class<?> c = Class.forName(name, false, cl);
            WebSocket ws = c.getAnnotation(WebSocket.class);
            if (ws != null) {
                out.add(new Endpoint("GET", ws.path(), true));
            }
            jakarta.ws.rs.Path base = c.getAnnotation(jakarta.ws.rs.Path.class);
            if (base == null) {
                continue;
            }
            for (Method m : c.getDeclaredMethods()) {
                String verb = verb(m);
                if (verb == null) {
                    continue;
                }
                jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                String path = base.value() + (sub == null ? "" : (sub.value().startsWith("/") ? "" : "/") + sub.value());
                Endpoint e = new Endpoint(verb, path, false);
                if (!out.contains(e)) {
                    out.add(e);
                }
            }
        }
        for (Route r : router.getRoutes()) {
            String p = r.getPath();
            if (p == null || p.startsWith("/q/") || r.methods() == null || r.methods().isEmpty()) {
                continue;
            }
            if (p.startsWith("/captions")) {
                continue; // the static captions page, open by design: not an API endpoint (AccessTest checks it alone)
            }
            String template = p.replaceAll(":([A-Za-z]+)", "{$1}");
            // Plain routes that upgrade to WebSockets (the events stream) also answer plain HTTP.
            for (io.vertx.core.http.HttpMethod m : r.methods()) {
                Endpoint e = new Endpoint(m.name(), template, true);
                if (!out.contains(e)) {
                    out.add(e);
                }
            }
        }
        out.sort(Comparator.comparing(Endpoint::toString));
        return out;
    }

    private static String verb(Method m) {
        for (var a : m.getAnnotations()) {
            jakarta.ws.rs.HttpMethod h = a.annotationType().getAnnotation(jakarta.ws.rs.HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }
}
