"""Gathering what each document says from the case file (database in, model dataclasses out)."""
