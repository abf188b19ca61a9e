"""Tests of adapter.server."""
