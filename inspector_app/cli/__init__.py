"""The ``inspector`` command: the core, headless, for automation and tests."""
