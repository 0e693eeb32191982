/**
 * Micrometer meters for DJL training and LR range tests, modelled on Micrometer's {@code
 * MeterBinder} classes, with a Prometheus endpoint, Pushgateway support and a Grafana dashboard
 * ({@code grafana/lrfinder-dashboard.json} in this module's resources).
 */
package dev.lrfinder.metrics;
