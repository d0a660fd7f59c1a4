"""The saved-state store as the pages see it: ``Store``, and ``StoreUnavailable`` when its file will not open.

Pages import the store from here, never from ``scoring.db``, which is the
engine room (DuckDB connections, SQL, the in-memory portfolio engine) and the
only module that imports duckdb.  What pages do with the store goes through
domain functions (``scoring.checklists.commands``, ``scoring.custom_models``),
which turn database failures into messages for users; a page holds a
``Store`` only to hand it to them.
"""

from scoring.db import Store, StoreUnavailable

__all__ = ["Store", "StoreUnavailable"]
