package dev.lrfinder.metrics;

import com.sun.net.httpserver.BasicAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** HTTP basic auth for the scrape endpoint: one user, compared in constant time. */
final class OneUserBasicAuth extends BasicAuthenticator {

    private final byte[] user;
    private final byte[] password;

    /**
     * Creates the authenticator.
     *
     * @param user the user Prometheus must send
     * @param password the password Prometheus must send
     */
    OneUserBasicAuth(String user, Secret password) {
        super("lrfinder metrics");
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = password.reveal().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean checkCredentials(String u, String p) {
        boolean userOk =
                MessageDigest.isEqual(user, String.valueOf(u).getBytes(StandardCharsets.UTF_8));
        boolean passwordOk =
                MessageDigest.isEqual(password, String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }
}
