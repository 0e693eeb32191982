/**
 * The LR range test without any deep-learning engine: learning-rate sweeps, loss smoothing, the
 * divergence rule, the recorded {@link dev.lrfinder.core.LossCurve}, its {@link
 * dev.lrfinder.core.CurveAnalysis}, the rules that read a suggested learning rate off it and the
 * planned run they may answer for ({@link dev.lrfinder.core.TrainingPlan}). The learning-rate
 * schedules (one-cycle, warm-up and cool-down, phases) live in {@code dev.lrfinder.core.schedule}.
 *
 * <p>Entry points: {@link dev.lrfinder.core.RangeTestConfig} (the settings of a test, shared by
 * every builder that runs one), {@link dev.lrfinder.core.RangeTest} (one test driven by hand),
 * {@link dev.lrfinder.core.SuggestionRules} and {@link
 * dev.lrfinder.core.schedule.OneCycleSchedule}.
 *
 * <p>The method is Leslie Smith's LR range test (arXiv 1506.01186); the suggestion rules follow the
 * ones fast.ai publishes.
 */
package dev.lrfinder.core;
