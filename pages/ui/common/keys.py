"""Session-state keys that cross features: written by one page, read by another.

Feature keys live in each feature's own ``keys.py``; only a value that one
feature publishes for the others belongs here, so neither side imports the
other's folder.
"""

from __future__ import annotations

# The account names of the portfolio last scored in this session (written by the
# portfolio page, offered by the onboarding page's account field).
LOADED_ACCOUNTS_KEY = "portfolio_accounts"

# Who is making changes in this browser session (``pages.ui.common.identity``):
# the name given, the name box, and a change waiting for that name.
AUTHOR_KEY = "identity:author"
AUTHOR_INPUT_KEY = "identity:input"
AUTHOR_FORM_KEY = "identity:form"
AUTHOR_PROBLEM_KEY = "identity:problem"
PENDING_CHANGE_KEY = "identity:pending"
