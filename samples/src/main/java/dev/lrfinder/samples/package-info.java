package dev.lrfinder.samples;
