package realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Fails when a record of the sealed hierarchies is missing from the wire-name table, has no corpus
 * fixture, or is not registered for reflection (with every nested wire type it binds).
 */
class EventModelCoverageTest {

    private static final Set<Class<?>> FALLBACKS = Set.of(ServerEvent.Unknown.class, ServerEvent.Malformed.class);

    @Test
    void everyServerRecordIsInTheTableUnderItsTypeConstants() throws Exception {
        List<Class<?>> records = leaves(ServerEvent.class);
        assertEquals(48, records.size(), "48 distinct server event records (§d.1)");
        for (Class<?> r : records) {
            for (String constant : List.of("TYPE", "GA_TYPE")) {
                String name = constant(r, constant);
                if (name != null) {
                    assertEquals(r, RealtimeCodec.SERVER_TYPES.get(name), r + "." + constant + " not in the table");
                }
            }
            assertTrue(RealtimeCodec.SERVER_TYPES.containsValue(r), r + " not in the table");
        }
        assertEquals(54, RealtimeCodec.SERVER_TYPES.size(), "48 wire names plus 6 GA renames");
        assertEquals(Set.copyOf(records), Set.copyOf(RealtimeCodec.SERVER_TYPES.values()));
    }

    @Test
    void everyClientRecordIsInTheTable() throws Exception {
        List<Class<?>> records = leaves(ClientEvent.class);
        for (Class<?> r : records) {
            assertEquals(r, RealtimeCodec.CLIENT_TYPES.get(constant(r, "TYPE")), r + " not in the table");
        }
        assertEquals(Set.copyOf(records), Set.copyOf(RealtimeCodec.CLIENT_TYPES.values()));
    }

    @Test
    void everyWireNameHasACorpusFixture() throws Exception {
        ObjectMapper m = new ObjectMapper();
        Set<String> server = new TreeSet<>();
        Set<String> client = new TreeSet<>();
        for (String f : Corpus.files("")) {
            if (f.startsWith("rest.")) {
                continue;
            }
            String type = m.readTree(Corpus.read(f)).get("type").asText();
            (f.startsWith("client.") || f.startsWith("ga.client.") ? client : server).add(type);
        }
        assertEquals(new TreeSet<>(RealtimeCodec.SERVER_TYPES.keySet()), server);
        assertEquals(new TreeSet<>(RealtimeCodec.CLIENT_TYPES.keySet()), client);
    }

    @Test
    void everyBoundRecordIsRegisteredForReflection() {
        Set<Class<?>> bound = new LinkedHashSet<>();
        for (Class<?> root : List.of(ServerEvent.class, ClientEvent.class)) {
            for (Class<?> r : leaves(root)) {
                collect(r, bound);
            }
        }
        assertTrue(bound.size() > 70, "walk found " + bound.size() + " records");
        for (Class<?> c : bound) {
            assertTrue(c.isAnnotationPresent(RegisterForReflection.class), c + " lacks @RegisterForReflection");
            assertTrue(c.isAnnotationPresent(Wire.class), c + " lacks @Wire");
        }
    }

    private static void collect(Class<?> c, Set<Class<?>> out) {
        if (!c.isRecord() || !c.getPackageName().equals(Wire.class.getPackageName()) || !out.add(c)) {
            return;
        }
        for (RecordComponent rc : c.getRecordComponents()) {
            for (Class<?> t : classesIn(rc.getGenericType())) {
                collect(t, out);
            }
        }
    }

    private static List<Class<?>> classesIn(Type t) {
        List<Class<?>> out = new ArrayList<>();
        if (t instanceof Class<?> c) {
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            for (Type a : p.getActualTypeArguments()) {
                out.addAll(classesIn(a));
            }
        }
        return out;
    }

    static List<Class<?>> leaves(Class<?> sealed) {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : sealed.getPermittedSubclasses()) {
            if (FALLBACKS.contains(c)) {
                continue;
            }
            if (c.isSealed()) {
                out.addAll(leaves(c));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static String constant(Class<?> c, String name) throws IllegalAccessException {
        for (Field f : c.getDeclaredFields()) {
            if (f.getName().equals(name) && Modifier.isStatic(f.getModifiers())) {
                return (String) f.get(null);
            }
        }
        return null;
    }
}
