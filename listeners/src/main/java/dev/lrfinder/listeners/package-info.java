package dev.lrfinder.listeners;
