package casegraph;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;

import org.neo4j.bolt.BoltServer;
import org.neo4j.bolt.protocol.common.connector.Connector;
import org.neo4j.bolt.protocol.common.connector.connection.Connection;
import org.neo4j.bolt.protocol.common.connector.connection.listener.ConnectionListener;
import org.neo4j.bolt.protocol.common.connector.listener.ConnectorListener;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Refuses a WebSocket handshake that a web browser makes, on the Bolt port.
 *
 * <pre>
 *   OriginGuard.install(db);   // after the DBMS is built, before the server says READY
 * </pre>
 *
 * <p>Neo4j's Bolt port also speaks Bolt over WebSocket, and a browser lets any page open a
 * WebSocket to 127.0.0.1: a page from anywhere (or a file opened from a mail) could try the local
 * database. Browsers always send an {@code Origin} header with a WebSocket handshake, and programs
 * (drivers, cypher-shell) speak plain Bolt or send none; Neo4j 5.26 has no setting to refuse by
 * origin, so this handler, first in every Bolt connection's pipeline, answers a handshake that
 * carries an {@code Origin} with 403 and closes the connection. Everything else passes through
 * untouched, and the handler leaves the pipeline after the first bytes. The password is the first
 * defence; this one keeps a page from even trying it.
 */
final class OriginGuard extends ChannelInboundHandlerAdapter {

    /** A handshake's headers fit in this; a longer one is not a browser's and is closed. */
    private static final int MAX_HEAD = 16 * 1024;

    private static final byte[] FORBIDDEN = ("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private ByteBuf seen;

    /** Puts a guard first in the pipeline of every Bolt connection made from now on. */
    static void install(GraphDatabaseService db) {
        BoltServer bolt = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(BoltServer.class);
        ConnectionListener guard = new ConnectionListener() {
            @Override
            public void onNetworkPipelineInitialized(ChannelPipeline pipeline) {
                pipeline.addFirst("casegraph-origin-guard", new OriginGuard());
            }
        };
        for (Connector<?> connector : bolt.getConnectors()) {
            connector.registerListener(new ConnectorListener() {
                @Override
                public void onConnectionCreated(Connection connection) {
                    connection.registerListener(guard);
                }
            });
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (seen == null) {
            seen = ctx.alloc().buffer(in.readableBytes());
        }
        seen.writeBytes(in);
        in.release();
        int n = seen.readableBytes();
        if (!startsLike(seen, "GET ")) {
            pass(ctx);  // plain Bolt (or TLS): not for this guard
            return;
        }
        if (n < 4) {
            return;  // too few bytes to tell yet
        }
        int end = indexOf(seen, "\r\n\r\n");
        if (end < 0) {
            if (n > MAX_HEAD) {
                refuse(ctx, "a handshake longer than " + MAX_HEAD + " bytes");
            }
            return;
        }
        String origin = header(seen.toString(seen.readerIndex(), end, StandardCharsets.ISO_8859_1), "origin");
        if (origin != null) {
            refuse(ctx, "a WebSocket from a web page (Origin: " + origin + ")");
            return;
        }
        pass(ctx);
    }

    private void pass(ChannelHandlerContext ctx) {
        ByteBuf all = seen;
        seen = null;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(all);
    }

    private void refuse(ChannelHandlerContext ctx, String what) {
        seen.release();
        seen = null;
        System.err.println("casegraph: refused " + what + " from " + ctx.channel().remoteAddress());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(FORBIDDEN)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (seen != null) {
            seen.release();
            seen = null;
        }
    }

    /** Whether the bytes so far agree with the start of {@code prefix}. */
    private static boolean startsLike(ByteBuf buf, String prefix) {
        int n = Math.min(buf.readableBytes(), prefix.length());
        for (int i = 0; i < n; i++) {
            if (buf.getByte(buf.readerIndex() + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuf buf, String needle) {
        int start = buf.readerIndex();
        int last = buf.writerIndex() - needle.length();
        outer:
        for (int i = start; i <= last; i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (buf.getByte(i + j) != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i - start;
        }
        return -1;
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
