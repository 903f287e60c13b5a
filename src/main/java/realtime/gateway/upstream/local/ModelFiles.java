package realtime.gateway.upstream.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.jboss.logging.Logger;

/**
 * The Vosk model as files: the build puts Maven's {@code com.alphacephei:vosk-model-en:0.3.45} archive into
 * the application as {@value #RESOURCE}; at the first start its {@code assets/model-en-us/} is extracted
 * into a directory ({@code gateway.local.model-dir}, by default under the system's temporary directory) and
 * reused by later starts. Extraction goes to a sibling directory first and is renamed into place when
 * complete, so a start killed half-way never leaves a broken model behind.
 */
final class ModelFiles {

    static final String RESOURCE = "/local-engine/vosk-model-en-0.3.45.zip";
    static final String VERSION = "vosk-model-en-0.3.45";
    private static final String PREFIX = "assets/model-en-us/";
    private static final Logger LOG = Logger.getLogger(ModelFiles.class);

    private final Path dir;

    ModelFiles(Optional<String> configured) {
        this.dir = configured.map(Path::of)
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "realtime-gateway", VERSION));
    }

    /** The model's directory, extracted if it is not there yet. */
    Path extracted() throws IOException {
        if (Files.isRegularFile(dir.resolve("am/final.mdl")) && Files.isRegularFile(dir.resolve("graph/HCLr.fst"))) {
            return dir;
        }
        long t0 = System.nanoTime();
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), VERSION + ".partial-");
        try (InputStream in = ModelFiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the Vosk model " + RESOURCE + " is missing from this build; build with "
                        + "./mvnw package (it copies com.alphacephei:vosk-model-en:0.3.45 into the application)");
            }
            try (ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
                    if (e.isDirectory() || !e.getName().startsWith(PREFIX)) {
                        continue;
                    }
                    Path target = tmp.resolve(e.getName().substring(PREFIX.length())).normalize();
                    if (!target.startsWith(tmp)) {
                        throw new IOException("the model archive has an entry outside its directory: " + e.getName());
                    }
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            delete(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            delete(tmp);
        }
        LOG.infof("local engine: model extracted to %s in %d ms", dir, (System.nanoTime() - t0) / 1_000_000);
        return dir;
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
