package dev.lrfinder.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Iterator;
import java.util.Objects;
import java.util.UUID;

/**
 * The tags that identify a training run on a shared Prometheus: {@code run} (unique per run),
 * {@code model} and {@code job}. They are an {@code Iterable<Tag>}, as Micrometer's binders take
 * their tags; the Grafana dashboard selects runs by these three.
 *
 * @param run the run id
 * @param model the model name
 * @param job the job name, e.g. {@code lr-find} or {@code one-cycle}
 */
public record RunTags(String run, String model, String job) implements Iterable<Tag> {

    /**
     * Creates run tags.
     *
     * @param run the run id, not blank
     * @param model the model name, not blank
     * @param job the job name, not blank
     */
    public RunTags {
        for (String[] kv : new String[][] {{"run", run}, {"model", model}, {"job", job}}) {
            if (kv[1] == null || kv[1].isBlank()) {
                throw new IllegalArgumentException(kv[0] + " must not be blank, got " + kv[1]);
            }
        }
    }

    /**
     * Returns tags with a fresh random run id.
     *
     * @param model the model name
     * @param job the job name
     * @return the tags
     */
    public static RunTags newRun(String model, String job) {
        return new RunTags(UUID.randomUUID().toString().substring(0, 8), model, job);
    }

    /**
     * Returns the tags as Micrometer tags.
     *
     * @return run, model and job
     */
    public Tags tags() {
        return Tags.of(Tag.of("run", run), Tag.of("model", model), Tag.of("job", job));
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<Tag> iterator() {
        return tags().iterator();
    }

    /**
     * Returns the same tags for another job of the same run.
     *
     * @param otherJob the job name
     * @return the tags
     */
    public RunTags withJob(String otherJob) {
        return new RunTags(run, model, Objects.requireNonNull(otherJob));
    }
}
