"""The single place the product version lives, read by the build, the CLI and the about box."""

__version__ = "0.1.0"
