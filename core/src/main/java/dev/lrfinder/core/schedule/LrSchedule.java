package dev.lrfinder.core.schedule;

/**
 * A learning rate (and optionally a momentum) for every optimizer step of a training run. Steps
 * count from 0.
 */
public interface LrSchedule {

    /**
     * Returns the learning rate of a step.
     *
     * @param step the optimizer step, from 0
     * @return the learning rate
     */
    double learningRate(int step);

    /**
     * Returns the momentum of a step (SGD's momentum, Adam's beta1), or NaN when the schedule
     * leaves momentum alone.
     *
     * @param step the optimizer step, from 0
     * @return the momentum, or NaN
     */
    default double momentum(int step) {
        return Double.NaN;
    }

    /**
     * Returns the number of steps the schedule was built for; later steps hold the last value.
     *
     * @return the total number of steps
     */
    int totalSteps();
}
