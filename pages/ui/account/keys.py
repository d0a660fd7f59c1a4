"""Session-state keys of the account page."""

from __future__ import annotations

ACCOUNT_KEY = "account:id"  # the account shown, kept across page switches
ACCOUNT_WIDGET_KEY = "account:id:widget"
