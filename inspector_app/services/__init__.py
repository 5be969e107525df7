"""Core services: plain functions over an open profile that return plain data."""
