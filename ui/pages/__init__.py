"""The pages of the main window, one module each, reached from the navigation."""
