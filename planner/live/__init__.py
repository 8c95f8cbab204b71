"""Real prices and the real account (SPEC A9, B8): Huawei's price inquiry and SecMaster's read APIs.

``planner catalog fetch`` builds a complete catalog from Huawei's answers, ``planner catalog diff`` says what
changed between two catalogs, ``planner account show`` turns the running subscription into a request
skeleton. Huawei's official SDK is imported only inside the functions that call it (``_client``), so importing
this package, like ``import planner``, loads none of it.

Only inquiry and read operations are ever called (:data:`OPERATIONS`); credentials come from the environment
as the SDK reads them and are never printed, logged, written or put into a message.
"""

from __future__ import annotations

from ._errors import OPERATIONS, LiveError
from .diff import Change, diff_catalogs

__all__ = ["OPERATIONS", "Change", "LiveError", "diff_catalogs"]
