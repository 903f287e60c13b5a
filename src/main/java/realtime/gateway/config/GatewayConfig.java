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

        /** How long opening the upstream socket may take before the session fails. Default 10 s. */
        @WithDefault("10s")
        Duration connectTimeout();

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

        /** Client frames queued while the upstream is still connecting. Default 4096. */
        @WithDefault("4096")
        int maxQueuedWhileConnecting();
    }

    /** {@code gateway.local.*}: the offline engine (CMU Sphinx4, US English). */
    interface Local {

        /** Recognizers loaded at once (each holds the model, about 170 MB of heap). Default: the number of cores. */
        Optional<Integer> poolSize();

        /** Decoder absolute beam width (stock Sphinx: 20000; narrower is faster). Default 3000. */
        @WithDefault("3000")
        int absoluteBeamWidth();

        /** Decoder relative beam width. Default 1e-45. */
        @WithDefault("1e-45")
        double relativeBeamWidth();

        /** Decoder absolute word beam width. Default 40. */
        @WithDefault("40")
        int wordBeamWidth();
    }

    /** {@code gateway.fanout.*}. */
    interface Fanout {

        /** Frames a subscriber may have unsent before it is closed with 4008 "slow consumer". Default 1024. */
        @WithDefault("1024")
        int maxPending();

        /** WebSocket ping interval for subscribers on {@code /v1/sessions/{id}/events}; 0 turns pings off. Default 20 s. */
        @WithDefault("20s")
        Duration pingInterval();
    }
}
