"""Reusable widgets and item models shared by pages and dialogs."""
