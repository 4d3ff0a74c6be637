"""What produces the artefacts qa-bot ships: the bundled adapter (train_model), the
ranker's weights and the confidence model (fit_weights) and the confidence's ceiling for
misplaced names (misplaced). Run each from the repository root as
``.venv/bin/python -m training.NAME``; each prints what to paste where, and the command
that gives it again."""
