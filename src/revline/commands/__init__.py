"""Each part of revline registers its CLI commands on :data:`revline.cli.app` in a module here.

Importing this package registers them all.
"""

from __future__ import annotations

from revline.commands import check, demo, ingest, metrics, org, schema, scorecard, synth

__all__ = ["check", "demo", "ingest", "metrics", "org", "schema", "scorecard", "synth"]
