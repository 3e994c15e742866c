"""Documentation tooling, not part of the installed zhibiao: the analyst guide's synthetic
sample warehouse (sample.py) and the rewriting of its printed outputs (guide.py).

Run from the repository root: `.venv/bin/python -m tools.guide --write` (or `make docs`).
"""
