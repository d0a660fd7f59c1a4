"""The portfolio triage page's parts: upload and mapping, filters, KPI tiles, heatmaps, the triage list.

``upload`` turns files (or the demo) into a cached scoring run; the other
modules draw the result.  ``keys`` names every session-state key, including
the uploaded account names other pages read.

May import streamlit, ``pages.ui.common`` and the domain (``scoring.*``):
``scoring.portfolio.load_portfolio`` to score, and ``scoring.portfolio.contract``
for the result and its column names.  Never ``scoring.db``, never the SQL that
builds the result (``scoring.portfolio.compute.*``, ``sqlkit``), never another
feature's folder (the scorecard link comes from ``scoring.scorecard_link``).
"""
