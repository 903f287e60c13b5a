package realtime.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every {@code gateway.*} key, with its meaning and default. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** The upstream Realtime provider. */
    Upstream upstream();

    /** Session limits and lifetimes. */
    Sessions sessions();

    /** Delivery to subscribers. */
    Fanout fanout();

    /** The local transcription engine. */
    Local local();

    /** Callers: API keys, scoped tokens and quotas. */
    Auth auth();

    /** HTTP concerns outside the API itself. */
    Http http();

    /** Metrics at {@code /q/metrics}. */
    Metrics metrics();

    /** {@code gateway.metrics.*}. */
    interface Metrics {

        /**
         * Whether {@code /q/metrics} needs a gateway API key like any other path. Default false: open to whoever
         * reaches the port (inside a cluster, Prometheus), as health is; it holds no key, id or transcript.
         */
        @WithDefault("false")
        boolean auth();

        /**
         * Whether the gateway's own meters ({@code gateway_*}) count. Default true; false makes them no-ops (the
         * JVM's meters stay), which is how {@code bench/run.sh --targets=gateway,nometrics} measures their cost.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** Stopping the process. */
    Shutdown shutdown();

    /** Where sessions, transcripts and usage outlive the process. */
    Store store();

    /** Signed event deliveries to the operator's endpoint. */
    Webhooks webhooks();

    /**
     * {@code gateway.webhooks.*}: on {@code transcript.item.completed} and {@code session.closed} the gateway POSTs
     * a JSON event to {@code url}, signed per the Standard Webhooks specification (what OpenAI's webhooks use),
     * from an outbox kept in the store, retried with backoff until delivered or {@code max-age} has passed.
     */
    interface Webhooks {

        /** Where events go; none (the default): no webhooks. */
        Optional<URI> url();

        /**
         * The signing secret, {@code whsec_} and the base64 of 24 to 64 random bytes; from the environment
         * ({@code GATEWAY_WEBHOOKS_SECRET}), never this file. Required with a url.
         */
        Optional<String> secret();

        /** The events sent. Default both: transcript.item.completed, session.closed. */
        @WithDefault("transcript.item.completed,session.closed")
        java.util.List<String> events();

        /** How long a delivery is retried before it is given up (shown failed). Default 24 h. */
        @WithDefault("24h")
        Duration maxAge();

        /** The first retry's delay; each next one doubles, with ±50% jitter, up to max-backoff. Default 5 s. */
        @WithDefault("5s")
        Duration initialBackoff();

        /** Default 1 h. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** How long one attempt may take (connect and answer). Default 10 s. */
        @WithDefault("10s")
        Duration timeout();

        /** Attempts in flight at once. Default 16. */
        @WithDefault("16")
        int concurrency();

        /** How often due deliveries are looked for. Default 1 s. */
        @WithDefault("1s")
        Duration poll();
    }

    /**
     * {@code gateway.store.*}. Which database is used is {@code gateway.store} itself: {@code auto} (the default:
     * PostgreSQL when {@code quarkus.datasource.jdbc.url} is set, else the embedded file database),
     * {@code embedded}, {@code postgresql} or {@code memory} (nothing kept across restarts).
     */
    interface Store {

        /** {@code gateway.store} itself: auto, embedded, postgresql or memory. Default auto. */
        @io.smallrye.config.WithParentName
        @WithDefault("auto")
        String kind();

        /**
         * The embedded database's directory: absolute, or relative to the working directory written with a
         * leading {@code ./}. Default {@code ./data}.
         */
        @WithDefault("./data")
        String path();

        /** Closed sessions and their transcripts are deleted this long after they closed. Default 30 days. */
        @WithDefault("30d")
        Duration retention();

        /** How often retention is enforced. Default 1 h. */
        @WithDefault("1h")
        Duration retentionCheck();

        /**
         * This process's name among those sharing the database; sessions it had open when it died are shown
         * {@code failed} ("process restarted") when it starts again under the same name, or once its heartbeat is
         * {@code 3 × heartbeat} old. Default: the host name (the pod's name on Kubernetes).
         */
        Optional<String> node();

        /** How often this process tells the database it is alive. Default 10 s. */
        @WithDefault("10s")
        Duration heartbeat();

        /**
         * Writes waiting for the database; while it is unreachable writes are retried and more queue up to this
         * bound, past which new ones are dropped (counted, and logged once a minute). Default 100000.
         */
        @WithDefault("100000")
        int maxQueued();
    }

    /** {@code gateway.shutdown.*}. */
    interface Shutdown {

        /**
         * On SIGTERM, how long open sessions may take to finish their last transcriptions before they are
         * closed anyway. Keep it under Kubernetes' {@code terminationGracePeriodSeconds} (30 s by default).
         * Default 25 s.
         */
        @WithDefault("25s")
        Duration grace();
    }

    /** {@code gateway.auth.*}. */
    interface Auth {

        /**
         * Whether every path but {@code /q/health/*} needs a credential. Default true; false is for local
         * development only and is warned about at every start.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The API keys, from the {@code GATEWAY_AUTH_KEYS} environment variable: entries separated by
         * {@code ;}, attributes by {@code ,}, e.g. {@code name=ops,role=admin,key-sha256=<hex>;name=app,key=<secret>,max-sessions=5}.
         * No default: without keys the gateway generates one admin key per start and logs it once.
         */
        Optional<String> keys();

        /** Quotas of a key that does not set its own. */
        Quota quota();

        /** Lifetime of a scoped session token when the request names none. Default 10 min. */
        @WithDefault("10m")
        Duration tokenDefaultTtl();

        /** Longest lifetime a scoped session token may ask for. Default 24 h. */
        @WithDefault("24h")
        Duration tokenMaxTtl();

        /** How long per-key usage is kept for {@code GET /v1/usage}. Default 31 days. */
        @WithDefault("31d")
        Duration usageRetention();
    }

    /** {@code gateway.auth.quota.*}: the default quotas of every key (each key may override them). */
    interface Quota {

        /** Sessions a key may have open at once. Default 100. */
        @WithDefault("100")
        int maxSessions();

        /** A session is committed and closed when it reaches this age. Default 1 h (the upstream's own cap). */
        @WithDefault("1h")
        Duration maxSessionDuration();

        /** Seconds of audio a key may send upstream in any 24 hours. Default 360000 (100 h). */
        @WithDefault("360000")
        long audioSecondsPerDay();

        /** Session creates per minute (a token bucket of this size, refilled evenly). Default 60. */
        @WithDefault("60")
        int createsPerMinute();
    }

    /** {@code gateway.http.*}. */
    interface Http {

        /**
         * Origins allowed to call the API from a browser (CORS), comma-separated, e.g.
         * {@code https://app.example.com}; {@code *} allows any. Default: none.
         */
        Optional<java.util.List<String>> corsOrigins();

        /**
         * A WebSocket that sends nothing, not even the pong, within this long of a ping (every
         * {@code gateway.fanout.ping-interval}) is closed; 0 turns the deadline off. Default 20 s.
         */
        @WithDefault("20s")
        Duration pongTimeout();

        /**
         * A request body must arrive within this long of its headers, plus one second for every
         * {@code body-min-rate} bytes received, or the request gets 408 and its connection is closed. Default 30 s.
         */
        @WithDefault("30s")
        Duration bodyTimeout();

        /**
         * Bytes per second a slow upload earns beyond {@code body-timeout}: an upload at this rate or faster never
         * times out. Default 4096 (half of 8 kHz G.711 sent in real time).
         */
        @WithDefault("4096")
        int bodyMinRate();

        /**
         * Open WebSockets and SSE streams allowed per client address (the forwarded one only when
         * {@code quarkus.http.proxy.proxy-address-forwarding} trusts the proxy); beyond it, 429. 0: no limit.
         * Default 2000: a backend that produces and subscribes for many sessions from one address fits.
         */
        @WithDefault("2000")
        int maxStreamsPerAddress();
    }

    /** {@code gateway.upstream.*}. */
    interface Upstream {

        /**
         * {@code openai} or {@code local}. Default: {@code openai} when an API key is set, otherwise {@code local}.
         */
        Optional<String> provider();

        /** Realtime WebSocket URL; {@code ?intent=transcription} is appended. Default OpenAI's. */
        @WithDefault("wss://api.openai.com/v1/realtime")
        URI url();

        /** {@code ga} (default) or {@code beta}: the wire dialect spoken upstream. */
        @WithDefault("ga")
        Dialect dialect();

        /** The upstream API key; set through the {@code OPENAI_API_KEY} environment variable. No default. */
        Optional<String> apiKey();

        /** How long one attempt to open the upstream socket may take (a timeout is retried like a drop). Default 10 s. */
        @WithDefault("10s")
        Duration connectTimeout();

        /**
         * How long a create waits for the upstream's first answer: a refusal within it is a 502; past it the
         * create answers and the session keeps connecting (audio is buffered). Default 2 s.
         */
        @WithDefault("2s")
        Duration createWait();

        /**
         * How long the upstream keeps one connection (OpenAI ends sessions at 60 minutes). Default: 60 min
         * for OpenAI; the local engine has no limit.
         */
        Optional<Duration> maxSessionAge();

        /**
         * A session opens its next upstream connection this long before {@code max-session-age} and moves to
         * it at the next turn boundary (at the latest when half of this is left). Default 5 min.
         */
        @WithDefault("5m")
        Duration rotateBefore();

        /** {@code gateway.upstream.health.*}: when readiness calls the upstream unusable. */
        Health health();

        /** {@code gateway.upstream.health.*}. */
        interface Health {

            /** Connects failed in a row before the upstream counts as down (readiness DOWN). Default 3. */
            @WithDefault("3")
            int failures();

            /** After this long since the last failure, the upstream counts as usable again (the next create tries it). Default 30 s. */
            @WithDefault("30s")
            Duration retryAfter();
        }

        /** What a session does when its upstream connection drops. */
        Reconnect reconnect();

        /** {@code gateway.upstream.reconnect.*}: jittered exponential backoff, then give up. */
        interface Reconnect {

            /** The first retry's delay (jittered ±50%). Default 200 ms. */
            @WithDefault("200ms")
            Duration initialDelay();

            /** The longest delay between attempts. Default 5 s. */
            @WithDefault("5s")
            Duration maxDelay();

            /** How long a session keeps trying before it fails. Default 60 s. */
            @WithDefault("60s")
            Duration giveUp();

            /** Audio a session holds while reconnecting; more is refused with an error. Default 30 s. */
            @WithDefault("30s")
            Duration maxBuffered();
        }

        /** Raw audio bytes per {@code input_audio_buffer.append} (the protocol allows 15 MiB). Default 96000 (2 s of pcm16). */
        @WithDefault("96000")
        int appendChunkBytes();

        /** Largest upstream frame accepted, in bytes. Default 16 MiB. */
        @WithDefault("16777216")
        int maxFrameBytes();

        /** Transcription model used when a create request names none. Default {@code gpt-4o-mini-transcribe}. */
        @WithDefault("gpt-4o-mini-transcribe")
        String defaultTranscriptionModel();
    }

    /** The upstream dialect. */
    enum Dialect {
        GA, BETA
    }

    /** {@code gateway.sessions.*}. */
    interface Sessions {

        /** Concurrent open sessions; the next create gets 429. Default 500. */
        @WithDefault("500")
        int max();

        /** A session with no audio and no producer connection for this long closes itself. Default 5 min. */
        @WithDefault("5m")
        Duration idleTimeout();

        /** Lifetime of a minted client secret (a create request may choose 10 s to 2 h). Default 10 min. */
        @WithDefault("10m")
        Duration clientSecretTtl();

        /** How long a closed session (and its transcript) stays readable. Default 1 h. */
        @WithDefault("1h")
        Duration retention();

        /** How often idle, expired and retained sessions are swept. Default 1 s. */
        @WithDefault("1s")
        Duration sweepInterval();

        /** Inputs (frames, uploads, events) queued while the upstream is still connecting; more are refused as busy. Default 4096. */
        @WithDefault("4096")
        int maxQueuedWhileConnecting();
    }

    /** {@code gateway.local.*}: the offline engine (Vosk, US English). */
    interface Local {

        /**
         * Recognizers kept warm (each about 60 MB of native memory); turns queue for them, finals first.
         * Default 2.
         */
        @WithDefault("2")
        int poolSize();

        /**
         * The most recognizers the pool grows to when more turns are spoken at once than it holds, so each turn
         * streams into a recognizer of its own instead of being decoded again from its start on a shared one.
         * Each costs about 60 MB of native memory at first and up to about 250 MB once its graph cache has
         * filled with varied speech; at this size, or at {@code pool-memory-limit}, turns share them (finals
         * first). Default 8; no larger than {@code pool-size}, it never grows.
         */
        @WithDefault("8")
        int maxPoolSize();

        /**
         * The process's resident memory outside the Java heap (where recognizers live) above which the pool does
         * not grow; a quarter above it, recognizers beyond {@code pool-size} are closed as soon as their turn is
         * done. Read from {@code /proc/self/status} less the heap in use (Linux; elsewhere not
         * checked); 0 turns the check off. Default: what the machine or container leaves beside the largest heap
         * ({@code -Xmx}) less 128 MB for the JVM itself, so the pool never grows into memory the heap may need.
         */
        Optional<io.quarkus.runtime.configuration.MemorySize> poolMemoryLimit();

        /** Recognizers beyond {@code pool-size} idle this long are closed and their memory freed. Default 2 min. */
        @WithDefault("2m")
        Duration poolIdleTimeout();

        /**
         * A recognizer that has decoded this much audio is replaced by a fresh, warmed one after its next turn:
         * Vosk's graph cache grows with every new stretch of speech it decodes (measured with one recognizer:
         * +71 MB after 30 s of speech, +181 MB after 5 min, +231 MB after 28 min), and this bounds its slow
         * growth. 0 never replaces. Default 30 min of audio.
         */
        @WithDefault("30m")
        Duration recycleAfter();

        /**
         * Where the Vosk model is extracted at the first start (about 70 MB) and found by later ones. Default:
         * {@code realtime-gateway/vosk-model-en-0.3.45} under the system's temporary directory.
         */
        Optional<String> modelDir();
    }

    /** {@code gateway.fanout.*}. */
    interface Fanout {

        /** Frames a subscriber may have unsent before it is closed with 4008 "slow consumer". Default 1024. */
        @WithDefault("1024")
        int maxPending();

        /** WebSocket ping interval for subscribers on {@code /v1/sessions/{id}/events}; 0 turns pings off. Default 20 s. */
        @WithDefault("20s")
        Duration pingInterval();

        /** The replay log a resuming subscriber ({@code ?after=}, {@code Last-Event-ID}) is served from. */
        Replay replay();
    }

    /** {@code gateway.fanout.replay.*}: each session keeps its last frames for subscribers that resume. */
    interface Replay {

        /** Frames kept per session; 0 turns replay off. Default 2000. */
        @WithDefault("2000")
        int maxFrames();

        /** Frames older than this are dropped from the log. Default 5 min. */
        @WithDefault("5m")
        Duration maxAge();
    }
}
