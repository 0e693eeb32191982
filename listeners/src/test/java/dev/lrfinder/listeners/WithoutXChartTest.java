package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lrfinder.core.RangeTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user who excludes XChart: results still work, and writePlot says what is missing. */
class WithoutXChartTest {

    /** Loads lrfinder's classes afresh, where no XChart class can be found. */
    private static URLClassLoader withoutXChart() {
        ClassLoader parent =
                new ClassLoader(WithoutXChartTest.class.getClassLoader()) {
                    @Override
                    protected Class<?> loadClass(String name, boolean resolve)
                            throws ClassNotFoundException {
                        if (name.startsWith("org.knowm.") || name.startsWith("dev.lrfinder.")) {
                            throw new ClassNotFoundException(name);
                        }
                        return super.loadClass(name, resolve);
                    }
                };
        URL[] urls = {
            LrFinderResult.class.getProtectionDomain().getCodeSource().getLocation(),
            RangeTest.class.getProtectionDomain().getCodeSource().getLocation()
        };
        return new URLClassLoader(urls, parent);
    }

    @Test
    void writePlotNamesTheMissingLibraryAndTheCurveStillWrites(@TempDir Path dir) throws Exception {
        try (URLClassLoader loader = withoutXChart()) {
            Class<?> testClass = loader.loadClass("dev.lrfinder.core.RangeTest");
            Object builder = testClass.getMethod("builder").invoke(null);
            Object test = builder.getClass().getMethod("build").invoke(builder);
            Method record = testClass.getMethod("record", double.class);
            for (int i = 0; i < 30; i++) {
                record.invoke(test, 2.0 - i * 0.01);
            }
            Class<?> rules = loader.loadClass("dev.lrfinder.core.SuggestionRules");
            Object rule = rules.getMethod("defaultRule").invoke(null);
            Class<?> resultClass = loader.loadClass("dev.lrfinder.listeners.LrFinderResult");
            Object result =
                    resultClass
                            .getMethod(
                                    "of",
                                    testClass,
                                    loader.loadClass("dev.lrfinder.core.SuggestionRule"))
                            .invoke(null, test, rule);
            resultClass.getMethod("writeCsv", Path.class).invoke(result, dir.resolve("curve.csv"));
            assertTrue(Files.readString(dir.resolve("curve.csv")).lines().count() > 30);
            InvocationTargetException e =
                    assertThrows(
                            InvocationTargetException.class,
                            () ->
                                    resultClass
                                            .getMethod("writePlot", Path.class)
                                            .invoke(result, dir.resolve("plot.png")));
            assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
            assertTrue(e.getCause().getMessage().contains("org.knowm.xchart:xchart"));
        }
    }
}
