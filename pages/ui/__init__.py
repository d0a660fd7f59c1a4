"""The parts the pages are built from, one folder per feature plus what they share.

- ``scorecard``: the what-if scorecard (``pages/scorecard.py``): sliders and
  toggles, the headline, the drivers chart, actions, "what it takes", custom
  models and the share link.
- ``portfolio``: portfolio triage (``pages/portfolio.py``): upload and column
  mapping, filters, KPI tiles, heatmaps, the triage list and the link from an
  account to the scorecard.
- ``checklists``: the ramp and onboarding checklists (``pages/ramp.py``,
  ``pages/onboarding.py``, and the plans summary on ``pages/home.py``).
- ``common``: text escaping, the app shell guard and the process-wide store.

Each folder's docstring says what it may import.  In short: streamlit,
``pages.ui.common`` and the domain (``scoring``), never ``scoring.db``, and
never another feature's folder; what two features share lives in the domain
(the scorecard link is ``scoring.scorecard_link``) or in ``common``.  Pages
may combine features: the onboarding page reads the portfolio's account names.
"""
