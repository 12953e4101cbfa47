"""Measuring models: metrics and thresholds, held-out test files, identity fairness."""
