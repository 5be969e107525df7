"""Audit-sampling statistics: appraisal (extrapolation), attribute limits, sample sizes.

Pure functions over plain numbers (integer fen in, floats out), no database and no Qt, so
the command line, the application and the tests compute exactly the same figures. The
formulas and their sources are in ``docs/statistics.md``.
"""
