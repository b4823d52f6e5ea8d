"""Analyses: what revline finds in the metrics and the model (seams, diagnose, forecast, ...).

An analysis reads the model and the metric layer and returns data; it never imports the
report, charts, web or CLI layers (tests/test_layers.py holds that). Report sections that show
an analysis live in :mod:`revline.report.sections`.
"""
