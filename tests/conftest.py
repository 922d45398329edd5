"""Shared pytest plugins: fixtures of the fakes (e.g. ``fake_wecom``) for every test."""

pytest_plugins = ["tests.fakes"]
