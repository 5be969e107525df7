"""Interview records (询问笔录): who was asked what, by which inspectors, when and where."""
