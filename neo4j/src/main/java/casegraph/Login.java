package casegraph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * The login of the local server: user {@code neo4j} with a random password kept in a file that
 * only its owner can read.
 *
 * <pre>
 *   String password = Login.ensure(home, home.resolve("casegraph-neo4j.password"));
 * </pre>
 *
 * <p>On a new store the password goes in the way {@code neo4j-admin dbms set-initial-password}
 * puts it, before the server first starts: there is never a moment with the default
 * {@code neo4j/neo4j} login on an open port. A store that already exists without the file (made
 * before casegraph turned authentication on, or its file deleted to get a new password) has its
 * password set by a short start with no connector at all, again before any port opens. The file
 * is written only once the password is in force, so a crash in between leaves no file that lies.
 */
final class Login {

    static final String USER = "neo4j";

    private Login() {}

    /** The password in force for {@code USER}, made and put in force if there is none yet. */
    static String ensure(Path home, Path passwordFile) throws IOException {
        String password = read(passwordFile);
        boolean storeExists = Files.isDirectory(home.resolve("data").resolve("databases").resolve("system"));
        if (password != null && storeExists) {
            return password;
        }
        if (password == null) {
            password = generate();
        }
        if (storeExists) {
            reset(home, password);
        } else {
            initial(home, password);
        }
        write(passwordFile, password);
        return password;
    }

    private static String read(Path file) throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : text;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** 192 random bits, URL-safe: no quoting trouble in a shell or a connection string. */
    private static String generate() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What {@code neo4j-admin dbms set-initial-password} does: the system database reads it on creation. */
    private static void initial(Path home, String password) throws IOException {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        Path file = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction();
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        FileUserRepository users = new FileUserRepository(fs, file, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
        try {
            users.start();
            SystemGraphCredential credential = SystemGraphCredential.createCredentialForPassword(
                    password.getBytes(StandardCharsets.UTF_8), new SecureHasher());
            users.create(new User(USER, null, credential, false, false));
            users.shutdown();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not write the initial password to " + file + ": " + e, e);
        }
    }

    /** The password of an existing store, set through the system database with every connector off. */
    private static void reset(Path home, String password) {
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, false)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "CREATE OR REPLACE USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } finally {
            dbms.shutdown();
        }
    }

    /** Owner-only, complete or absent: written beside its place and moved in. */
    private static void write(Path file, String password) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        FileAttribute<?>[] ownerOnly = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
            out.write(ByteBuffer.wrap((password + "\n").getBytes(StandardCharsets.UTF_8)));
            out.force(true);  // on disk before its name says it is there
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
