package dev.lrfinder.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** TLS that trusts the CA certificates of one PEM file, and no other CA. */
final class CaTrust {

    private CaTrust() {}

    /**
     * Builds a socket factory that trusts exactly the given CAs (host names are still verified).
     *
     * @param caCertificates a PEM file with one or more CA certificates
     * @return the socket factory
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    static SSLSocketFactory socketFactory(Path caCertificates) {
        try (InputStream in = Files.newInputStream(caCertificates)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + caCertificates);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot read CA certificates from "
                            + caCertificates
                            + " ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }
}
