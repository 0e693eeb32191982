package dev.lrfinder.metrics;
