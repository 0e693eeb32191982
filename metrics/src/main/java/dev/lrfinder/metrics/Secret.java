package dev.lrfinder.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A password or token read from the environment or from a file, never from a command line (where
 * {@code ps} shows it to every user of the machine). Its {@link #toString()} names where it came
 * from, never its value, so that it can be logged and put in exception messages safely.
 *
 * <pre>{@code
 * Secret password = Secret.fromEnv("LRFINDER_PUSHGATEWAY_PASSWORD");
 * Secret token = Secret.fromFile(Path.of("/run/secrets/pushgateway-token"));
 * }</pre>
 */
public final class Secret {

    private final String value;
    private final String source;

    private Secret(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /**
     * Reads a secret from an environment variable.
     *
     * @param variable the variable's name
     * @return the secret
     * @throws IllegalArgumentException if the variable is unset or blank (its name is given, not
     *     its value)
     */
    public static Secret fromEnv(String variable) {
        return fromEnv(variable, System.getenv());
    }

    /**
     * Reads a secret from a variable of the given environment (for tests).
     *
     * @param variable the variable's name
     * @param env the environment
     * @return the secret
     */
    static Secret fromEnv(String variable, Map<String, String> env) {
        Objects.requireNonNull(variable, "variable");
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(
                    "environment variable " + variable + " is not set or empty");
        }
        return new Secret(v, "environment variable " + variable);
    }

    /**
     * Reads a secret from the first line of a file (a trailing line break is not part of it).
     *
     * @param file the file, readable by this user only, ideally
     * @return the secret
     * @throws IllegalArgumentException if the file cannot be read or is empty (the file is named,
     *     its content never)
     */
    public static Secret fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        String v;
        try {
            v =
                    Files.readString(file, StandardCharsets.UTF_8)
                            .lines()
                            .findFirst()
                            .orElse("")
                            .strip();
        } catch (IOException | RuntimeException e) {
            String why =
                    e instanceof java.nio.file.NoSuchFileException
                            ? "no such file"
                            : e instanceof java.nio.file.AccessDeniedException
                                    ? "permission denied"
                                    : e.getClass()
                                            .getSimpleName(); // never the message: it could quote
            // the file
            throw new IllegalArgumentException(
                    "cannot read the secret file " + file + " (" + why + ")");
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("the secret file " + file + " is empty");
        }
        return new Secret(v, "file " + file);
    }

    /**
     * Returns the value; for the code that puts it on the wire, never for logs.
     *
     * @return the secret's value
     */
    String reveal() {
        return value;
    }

    /**
     * Returns where the secret came from.
     *
     * @return e.g. {@code environment variable PGW_TOKEN}
     */
    public String source() {
        return source;
    }

    /**
     * Names the secret's source, never its value.
     *
     * @return e.g. {@code Secret(from file /run/secrets/token)}
     */
    @Override
    public String toString() {
        return "Secret(from " + source + ")";
    }
}
