"""Checking an intake before it is saved: every refusal says which field and what to do.

The seed's diagnosis steps are the form's questions, and a few of them are
the point of the loop, so they are required: the symptom in the customer's
words, what they were trying to do, the restatement, and the tick that it
was confirmed with the customer.  Text is tidied (whitespace, hidden
characters) and bounded, so one paste cannot fill the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.diagnosis.categories import categories
from scoring.diagnosis.model import SEVERITIES, Intake, Severity
from scoring.hidden_chars import strip_hidden

TEXT_MAX_CHARS = 600
TAG_MAX_CHARS = 40
ACCOUNT_MAX_CHARS = 80
LINE_MAX_CHARS = 280


class IntakeProblems(ValueError):
    """The intake cannot be saved; ``problems`` holds one sentence per field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(problems))


def tidy(text: str, limit: int = TEXT_MAX_CHARS) -> str:
    """User text with hidden characters dropped, whitespace collapsed and cut to ``limit`` characters."""
    return " ".join(strip_hidden(text or "").split())[:limit]


def tag_key(tag: str) -> str:
    """What tags group by: "SSO", "sso" and " SSO " are one product area."""
    return tidy(tag, TAG_MAX_CHARS).casefold()


@dataclass(frozen=True)
class IntakeForm:
    """What the form hands over, untrusted."""

    account_id: str
    symptom: str
    goal: str
    technical_fact: str
    business_impact: str
    tried: str
    restated: str
    confirmed: bool
    category_id: str
    tag: str
    severity: str
    update_by: date | None


def check_intake(form: IntakeForm, today: date) -> tuple[str, Intake]:
    """The cleaned account id and intake, or IntakeProblems listing every field to fix."""
    problems: list[str] = []
    account = tidy(form.account_id, ACCOUNT_MAX_CHARS)
    if not account:
        problems.append("Account: pick or type the account the issue belongs to.")
    required = {
        "Symptom": (form.symptom, "write what the customer said, in their words"),
        "Trying to accomplish": (form.goal, "write what they were trying to get done when it happened"),
        "Restated": (form.restated, "restate the issue in your own words before proposing anything"),
    }
    for label, (text, hint) in required.items():
        if not tidy(text):
            problems.append(f"{label}: {hint}.")
    if not form.confirmed:
        problems.append("Confirmed with the customer: read the restatement back to them and tick the box.")
    if form.category_id not in categories():
        problems.append("Category: pick one of the five categories.")
    tag = tidy(form.tag, TAG_MAX_CHARS)
    if not tag:
        problems.append("Product area / tag: name the part of the product (e.g. SSO, exports).")
    if form.severity not in SEVERITIES:
        problems.append("Severity: pick low, medium, high or critical.")
    if form.update_by is None:
        problems.append("Update by: set the date you will next update the customer.")
    elif form.update_by < today:
        problems.append("Update by: pick today or a later date; a commitment in the past is already broken.")
    if problems:
        raise IntakeProblems(problems)
    assert form.update_by is not None  # checked above; narrows the type
    severity: Severity = next(s for s in SEVERITIES if s == form.severity)
    return account, Intake(
        symptom=tidy(form.symptom),
        goal=tidy(form.goal),
        technical_fact=tidy(form.technical_fact),
        business_impact=tidy(form.business_impact),
        tried=tidy(form.tried),
        restated=tidy(form.restated),
        confirmed=True,
        category_id=form.category_id,
        tag=tag,
        severity=severity,
        update_by=form.update_by,
    )
