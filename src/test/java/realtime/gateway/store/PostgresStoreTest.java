package realtime.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.upstream.FakeUpstreamResource;

/** {@link StoreTest} against a real PostgreSQL: the same migration, the same behaviour. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(PostgresStoreTest.OnPostgres.class)
public class PostgresStoreTest extends StoreTest {

    /** {@link StoreTest.ShortMemory} with the gateway pointed at an embedded PostgreSQL. */
    public static class OnPostgres extends ShortMemory {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EmbeddedPostgresResource.class));
        }
    }

    @Inject
    AgroalDataSource postgres;

    @Override
    AgroalDataSource db() {
        return postgres;
    }

    @Test
    void theStoreIsPostgres() {
        assertEquals(Store.Kind.POSTGRESQL, store.kind());
    }
}
