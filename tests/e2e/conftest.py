"""Fixtures of the planner's browser tests: one headless Chromium for the whole session."""

from tests.e2e.browser_support import chromium

__all__ = ["chromium"]
