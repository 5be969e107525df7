"""The PySide6 desktop shell: the only package allowed to import Qt."""
