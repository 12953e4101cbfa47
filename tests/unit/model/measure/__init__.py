"""Tests of model measuring; a package so its test modules may share names with tests elsewhere."""
