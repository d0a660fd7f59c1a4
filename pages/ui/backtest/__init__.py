"""The backtest lab page's parts: its files (demo or uploads), the cached runs, the report and the fit.

``source`` picks the exports and the outcomes file (the bundled demo until
both are uploaded) and the model, lead time and floors; ``run`` holds the
cached computations, keyed by the files' content hash; ``report`` draws the
figures, checks, tables and per-signal charts; ``fit`` suggests weights and
saves them as a custom model.  ``keys`` names every session-state key.

May import streamlit, ``pages.ui.common``, the portfolio page's upload and
problem helpers (read only) and the domain: ``scoring.backtest``,
``scoring.portfolio.signal_history`` and ``scoring.custom_models``.  Never
``scoring.db`` and never the generated SQL (``scoring.portfolio.compute``,
``sqlkit``): the exports are read through ``signal_history``.
"""
