"""The checklist pages' parts (ramp and onboarding): the plan view, its callbacks, the forms and tables.

May import streamlit, ``pages.ui.common`` and ``scoring.checklists`` (its
commands for every read and write of plans); never ``scoring.db`` nor another
feature's folder.  Every session-state and widget key is built in ``keys``.
"""
