"""Tests of adapter.delivery."""
