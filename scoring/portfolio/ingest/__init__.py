"""Ingest: from an export's bytes to a typed DuckDB table and the problems found in it.

``read`` opens a file (CSV in any common encoding, Excel, Parquet) as a
relation, ``fields`` is the catalogue of canonical fields and their header
synonyms, ``mapping`` settles which header feeds which field, ``parse``
writes the SQL that types each column and flags bad cells, ``problems``
counts and words what was wrong, and ``load`` runs those steps for one file.

May import ``scoring.portfolio.contract``, ``scoring.portfolio.sqlkit``,
``scoring.model`` and ``scoring.db`` (plus the word lists of
``scoring.flags`` and ``scoring.wording``); never ``compute``, the run
modules, ``pages`` or streamlit.
"""
