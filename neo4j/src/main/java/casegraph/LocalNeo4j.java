package casegraph;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * A local, single-user Neo4j Community server for casegraph.
 *
 * <pre>
 *   java -cp 'neo4j/target/lib/*' casegraph.LocalNeo4j --data DIR --port N --password-file FILE [--pagecache 2g]
 * </pre>
 *
 * <p>Runs the embedded DBMS with only a Bolt connector, bound to 127.0.0.1, and authentication
 * <b>on</b>: binding to loopback keeps other machines out, but not other users of this one, nor a
 * web page open in a browser here. The user is {@code neo4j}; its password is random, made at the
 * first start and kept in {@code FILE}, readable by its owner only (see {@link Login}). A WebSocket
 * handshake from a web page is refused outright (see {@link OriginGuard}).
 *
 * <p>Everything Neo4j logs goes to {@code DIR/logs/} ({@code neo4j.log} for the user log,
 * {@code debug.log} for the diagnostic one). Standard output carries exactly one line,
 * {@code READY bolt://127.0.0.1:N}, once the server accepts Bolt connections; a failure to start
 * is reported on standard error and the exit status is non-zero.
 *
 * <p>SIGTERM (or Ctrl-C) shuts the DBMS down cleanly through a shutdown hook, so the next start
 * needs no recovery. SIGKILL leaves recovery to the next start, which replays the transaction
 * log: committed transactions survive.
 */
public final class LocalNeo4j {

    private LocalNeo4j() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }

        try {
            run(options);
        } catch (Throwable t) {
            // The real cause (a port in use, a store locked by another process) is several
            // levels down. Print the whole chain, then the root cause as the last line, which
            // is the one casegraph/server.py quotes.
            t.printStackTrace(System.err);
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String reason = t instanceof StartFailure ? t.getMessage() : root.toString();
            System.err.println("error: Neo4j failed to start: " + reason);
            System.err.flush();
            // halt, not exit: a half-started DBMS may hold non-daemon threads.
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(Options options) throws Exception {
        Path home = options.data.toAbsolutePath().normalize();
        Path logs = home.resolve("logs");
        Files.createDirectories(logs);

        // Before any port opens: a new store gets its password before its first start.
        Login.ensure(home, options.passwordFile);

        OutputStream userLog = new FileOutputStream(logs.resolve("neo4j.log").toFile(), true);
        Log4jLogProvider userLogProvider = new Log4jLogProvider(userLog);

        SocketAddress bolt = new SocketAddress("127.0.0.1", options.port);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(userLogProvider)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                // The default advertised host is "localhost", which may resolve to ::1 where
                // nothing listens; routing drivers (neo4j://) connect to what is advertised.
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, options.pagecacheBytes)
                // Bolt otherwise waits 5 s twice on shutdown for connections and worker threads
                // to drain, even when there are none; a single-user server has nothing to drain,
                // and a fast stop keeps test suites and restarts quick.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                // Usage reporting would phone home from a server meant to stay on this machine.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } catch (Throwable t) {
                System.err.println("error: shutdown failed: " + t);
            } finally {
                try {
                    userLogProvider.close();
                    userLog.close();
                } catch (IOException ignored) {
                    // nothing left to report it to
                }
                stopped.countDown();
            }
        }, "casegraph-neo4j-shutdown"));

        // build() returns before the default database has finished starting (or recovering
        // after a crash); announce readiness only when queries can actually run.
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(Duration.ofSeconds(1).toMillis())) {
            // Keep waiting while it starts (recovery of a large store can take minutes), but not
            // for a database that has already failed: a corrupt store never becomes available.
            String failure = failure(dbms, GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (failure != null) {
                throw new StartFailure("the database failed to start: " + failure);
            }
        }

        OriginGuard.install(db);
        System.out.println("READY bolt://127.0.0.1:" + options.port);
        System.out.flush();

        stopped.await();
    }

    /** Why database {@code name} failed to start, or null while it may still come up. */
    private static String failure(DatabaseManagementService dbms, String name) {
        return dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "SHOW DATABASE $name YIELD currentStatus, statusMessage",
                Map.of("name", name),
                result -> {
                    if (!result.hasNext()) {
                        return null;
                    }
                    Map<String, Object> row = result.next();
                    String status = String.valueOf(row.get("currentStatus"));
                    String message = String.valueOf(row.get("statusMessage")).strip();
                    boolean failed = !status.equals("starting") && !status.equals("online") && !message.isEmpty();
                    return failed ? message.lines().findFirst().orElse(message) : null;
                });
    }

    /** A failure said in words already: its message is the whole reason. */
    private static final class StartFailure extends RuntimeException {
        StartFailure(String message) {
            super(message);
        }
    }

    private static final class Options {
        static final String USAGE =
                "usage: java -cp 'target/lib/*' casegraph.LocalNeo4j --data DIR --port N --password-file FILE [--pagecache SIZE]";

        Path data;
        Path passwordFile;
        int port = -1;
        long pagecacheBytes = SettingValueParsers.BYTES.parse("2g");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                } else if (arg.equals("--help") || arg.equals("-h")) {
                    System.out.println(USAGE);
                    System.exit(0);
                    return o;
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("missing value for " + arg);
                }
                switch (arg) {
                    case "--data":
                        o.data = Path.of(value);
                        break;
                    case "--password-file":
                        o.passwordFile = Path.of(value).toAbsolutePath();
                        break;
                    case "--port":
                        try {
                            o.port = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port must be a number: " + value);
                        }
                        if (o.port < 1 || o.port > 65535) {
                            throw new IllegalArgumentException("--port out of range: " + value);
                        }
                        break;
                    case "--pagecache":
                        try {
                            o.pagecacheBytes = SettingValueParsers.BYTES.parse(value);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--pagecache must be a size like 512m or 2g: " + value);
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (o.data == null) {
                throw new IllegalArgumentException("--data is required");
            }
            if (o.passwordFile == null) {
                throw new IllegalArgumentException("--password-file is required");
            }
            if (o.port < 0) {
                throw new IllegalArgumentException("--port is required");
            }
            return o;
        }
    }
}
