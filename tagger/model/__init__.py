"""The topic classifier: features, one-vs-rest linear models, the decision rule (thresholds,
calibration, limit), evidence, the trained `TagModel` and its bundle on disk."""
