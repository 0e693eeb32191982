package dev.lrfinder.samples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version {@code -V} prints, for {@code lrfinder} and each of its commands: the POM's. */
public final class CliVersion implements IVersionProvider {

    private static final String RESOURCE = "/dev/lrfinder/samples/version.properties";

    /**
     * Returns the project version the build wrote into the jar.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT}
     */
    public static String version() {
        try (InputStream in = CliVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String[] getVersion() {
        return new String[] {"lrfinder " + version()};
    }
}
