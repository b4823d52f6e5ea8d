"""revline: the open revenue-operations platform.

One canonical model for every revenue function's data, one definition per metric, an owner for
every stage, hand-off and leak.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
