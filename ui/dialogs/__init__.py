"""Dialogs of the shell: login, profile creation, settings, about, errors."""
