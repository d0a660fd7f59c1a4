"""Compute: from typed tables to one scored, ranked row per account, all in DuckDB SQL.

``facts`` joins the loaded files into account-month rows, ``formula_sql``
scores them with the formula of ``scoring.engine``, ``rollup`` reduces each
account to its latest month with its trend, and ``triage`` ranks the accounts
and words their action.  (The page's headline sums over the finished result
are plain pandas: ``scoring.portfolio.kpis``.)

May import ``scoring.portfolio.contract``, ``scoring.portfolio.sqlkit``,
``scoring.model`` and ``scoring.actions`` (plus ``scoring.engine`` for its
rounding constant and ``ingest.fields``, the catalogue of canonical
fields); never the other ingest modules, the run modules, ``pages`` or
streamlit.
"""
