package dev.lrfinder.core;

import java.util.List;

/**
 * Whether a range-test curve supports its suggestion, with the reasons when it does not.
 *
 * @param confident true when no reason was found
 * @param reasons what is wrong with the curve, in the order {@link CurveVerdict} checks them; empty
 *     when confident
 * @param details one sentence per reason, with the measured values, in the same order
 */
public record Verdict(boolean confident, List<Reason> reasons, List<String> details) {

    /** Why a curve does not support a suggestion. */
    public enum Reason {
        /** Too few finite points after the first tenth of the sweep to read anything. */
        TOO_SHORT("too-short"),
        /** The loss diverged within the first tenth of the sweep. */
        EARLY_DIVERGENCE("early-divergence"),
        /** The lowest loss lies at the start of the reading: the loss only rises. */
        RISES_FROM_START("rises-from-start"),
        /** The loss does not descend by more than its noise allows: a flat curve. */
        NO_CLEAR_DESCENT("no-clear-descent"),
        /** The loss never turns worse: the sweep ended before the onset. */
        NO_ONSET("no-onset"),
        /**
         * The descent's rules suggest a learning rate beyond the onset, where the loss turns worse.
         */
        RULES_DISAGREE("rules-disagree"),
        /**
         * The test was given a planned run, and the planned rate is not scaled by it: the optimizer
         * is one the plan's model does not describe, or the plan's batch differs from the test's,
         * which is unknown ({@link PlannedRate.Branch}); the suggestion is {@code guarded}'s.
         */
        PLAN_NOT_USED("plan-not-used"),
        /**
         * The test was given a planned run and the planned rate's reach is uncertain ({@link
         * PlannedRate#uncertainty(int)}): the loss lies within its noise of its lowest over more
         * than a decade ({@link PlannedRate#reachUncertain()}), or, on a sweep shorter than the
         * plan, it descends within its noise by more than a sweep as long as the plan would call
         * noise. Where the sweep had fewer iterations than the plan has steps, a sweep as long as
         * the plan sees the noise the run will see ({@code LrFinder} runs it).
         */
        REACH_UNCERTAIN("reach-uncertain");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /**
         * Returns a stable, lower-case code for logs, labels and metrics.
         *
         * @return the code, e.g. {@code no-clear-descent}
         */
        public String code() {
            return code;
        }
    }

    /**
     * Checks that the verdict is confident exactly when it has no reason.
     *
     * @param confident true when no reason was found
     * @param reasons the reasons
     * @param details one sentence per reason
     */
    public Verdict {
        reasons = List.copyOf(reasons);
        details = List.copyOf(details);
        if (confident != reasons.isEmpty() || reasons.size() != details.size()) {
            throw new IllegalArgumentException(
                    "a verdict is confident exactly when it has no"
                            + " reason, and has one detail per reason");
        }
    }

    /**
     * Creates a verdict; it is confident exactly when there is no reason.
     *
     * @param reasons the reasons
     * @param details one sentence per reason
     */
    public Verdict(List<Reason> reasons, List<String> details) {
        this(reasons.isEmpty(), reasons, details);
    }

    /**
     * Returns this verdict with one more reason, after the others.
     *
     * @param reason the reason
     * @param detail its sentence
     * @return a verdict that is not confident
     */
    public Verdict with(Reason reason, String detail) {
        List<Reason> r = new java.util.ArrayList<>(reasons);
        List<String> d = new java.util.ArrayList<>(details);
        r.add(reason);
        d.add(detail);
        return new Verdict(r, d);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return confident ? "confident" : "not confident: " + String.join("; ", details);
    }
}
