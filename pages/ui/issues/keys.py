"""Every session-state and widget key of the Customer issues page, in one style: ``issues:<what>``.

A key of one issue's form adds the issue id: ``issues:route-note:<issue id>``.
Building them here keeps each widget and the callback that reads it together.
"""

from __future__ import annotations

from typing import Literal

FEEDBACK_KEY = "issues:feedback"  # (kind, message) left by a callback, shown once on the next run

# The intake form (pages.ui.issues.intake); each field's key is intake_key(field, round).  The round
# goes up after each saved issue, so the next form's widgets are new ones and draw empty in the browser.
INTAKE_FORM_KEY = "issues:intake"
INTAKE_ROUND_KEY = "issues:intake-round"
IntakeField = Literal[
    "account",
    "symptom",
    "goal",
    "technical_fact",
    "business_impact",
    "tried",
    "restated",
    "confirmed",
    "category",
    "tag",
    "severity",
    "update_by",
]

# The list's filters (pages.ui.issues.listing).
STATUS_FILTER_KEY = "issues:filter-status"
CATEGORY_FILTER_KEY = "issues:filter-category"
ACCOUNT_FILTER_KEY = "issues:filter-account"
OVERDUE_FILTER_KEY = "issues:filter-overdue"

# The issue opened below the list (pages.ui.issues.detail).
OPEN_ISSUE_KEY = "issues:open"

# Links from other pages (pages.ui.issues.links.follow_link): /issues?account=<id>[&issue=<issue id>] from an
# account page, /issues?overdue=1 from the triage's overdue caption.  LINKED_KEY: the account the last link named.
ISSUES_PAGE = "pages/issues.py"
ACCOUNT_PARAM = "account"
ISSUE_PARAM = "issue"
OVERDUE_PARAM = "overdue"
LINKED_KEY = "issues:linked"

# The patterns section (pages.ui.issues.patterns).
MIN_ACCOUNTS_KEY = "issues:min-accounts"
GROUP_BY_KEY = "issues:group-by"

IssueForm = Literal["route", "answer", "recommit", "close"]
IssueField = Literal["note", "answer", "update_by", "reason", "told_on", "heard", "documented"]


def intake_key(field: IntakeField, round_: int = 0) -> str:
    return f"{INTAKE_FORM_KEY}:{round_}:{field}"


def issue_form_key(form: IssueForm, issue_id: str) -> str:
    return f"issues:{form}:{issue_id}"


def issue_field_key(form: IssueForm, field: IssueField, issue_id: str) -> str:
    return f"issues:{form}:{field}:{issue_id}"


def download_key(kind: str, item_id: str) -> str:
    return f"issues:download:{kind}:{item_id}"
