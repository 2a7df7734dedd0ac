"""Developer tools that are not part of the app or the test suite (run them with ``python -m tools.<name>``)."""
