"""Measuring models: metrics and thresholds, held-out test files, identity fairness, and the hand-written
identity statements and off-topic checks (with their train/heldout splits)."""
