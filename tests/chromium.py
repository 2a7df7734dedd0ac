"""Debian's Chromium for the tests that render (chart images, report, deck): where it is, and
what to do without it. The browser flags are the ones ``tools.concurrency`` declares."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.concurrency import CHROMIUM_ARGS

CHROMIUM = Path("/usr/bin/chromium")

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "require_chromium"]


def require_chromium() -> None:
    """Skip locally without Chromium; in CI (env CI set) a missing browser is a failure."""
    if CHROMIUM.exists() or os.environ.get("BROWSER_PATH"):
        return
    message = "Debian's Chromium (/usr/bin/chromium) is not installed: `apt-get install chromium`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
