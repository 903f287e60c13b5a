package realtime.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A plain TCP connection that speaks only as much HTTP and WebSocket as a test needs to misbehave with: bytes as
 * written, a head read up to the blank line, and WebSocket frames without the politeness of a real client (no
 * pongs, any length claimed).
 */
public final class RawHttp implements AutoCloseable {

    public final Socket socket;
    private final InputStream in;

    public RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads up to and including the blank line after the headers. */
    public String head() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + out.toString(StandardCharsets.ISO_8859_1));
            }
            out.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything until the server closes the connection (bounded by the socket's read timeout). */
    public String untilClosed() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Whether the server has closed the connection: a read sees the end of the stream within {@code ms}. */
    public boolean closedWithin(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            byte[] buf = new byte[8192];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    /** Sends a WebSocket upgrade for {@code path} with {@code headers} (each ending in CRLF) and returns the head. */
    public String upgrade(String path, String headers) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                + headers + "\r\n");
        return head();
    }

    /** The header of a masked client frame claiming {@code length} payload bytes (the payload is up to the caller). */
    public static byte[] frameHeader(int opcode, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        if (length < 126) {
            out.write(0x80 | (int) length);
        } else if (length < 65536) {
            out.write(0x80 | 126);
            out.write((int) (length >> 8));
            out.write((int) length);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (length >> (8 * i)));
            }
        }
        out.writeBytes(new byte[4]); // a zero mask: the payload goes as written
        return out.toByteArray();
    }

    /** A server frame: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {

        /** The status code of a close frame. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    /** Reads the next server frame (servers do not mask). */
    public Frame frame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        return new Frame(b0 & 0x0f, in.readNBytes((int) len));
    }

    /** Reads frames until a close frame, skipping pings and messages. */
    public Frame closeFrame() throws IOException {
        while (true) {
            Frame f = frame();
            if (f.opcode() == 8) {
                return f;
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("closed without a close frame");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
