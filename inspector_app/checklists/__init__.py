"""Checklists: versioned templates (data files in ``resources/checklists``) and a case's answers.

``templates`` loads and validates the files, ``view`` computes what an inspector sees
(visibility under conditions, progress, what is still required), ``service`` reads and writes
a case's pinned checklists and answers, ``migration`` moves a case to a newer version on
purpose and records what changed.
"""
