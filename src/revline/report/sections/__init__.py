"""The report's sections. Importing this package registers every section.

Built-in sections live here; another part of revline adds its section in its own module (with
:func:`revline.report.registry.section`) and one import line below (see docs/report.md).
"""

from __future__ import annotations

import revline.diagnose.report_section  # noqa: F401  (What to fix; docs/diagnose.md)
from revline.forecast import report_section as _forecast  # noqa: F401  (docs/forecast.md)
from revline.report.sections import efficiency, retention, revenue, sales, scorecard
from revline.seams import report_section as _seams  # noqa: F401  (docs/seams.md)

__all__ = ["efficiency", "retention", "revenue", "sales", "scorecard"]
