"""Every session-state and widget key of the checklist pages, in one style: ``checklists:<what>``.

A key that belongs to one plan adds the plan id, then the item or stage id,
after the name: ``checklists:tick:<plan id>:<item id>``.  Building them here,
and only here, keeps a widget and the callback that reads it from drifting
apart, and keeps the ramp and onboarding pages (which share these widgets)
from clashing with the other features' keys.

Four keys keep another style on purpose, and must not be renamed:

* the plan pickers are bound to the URL (``bind="query-params"``), so their
  keys are the query parameter names in every shared link (``/ramp?csm=…``,
  ``/onboarding?plan=…``, whose value is the picker's label: ``pick.plan_label``);
* ``/onboarding?account=…`` (the account page's "start a plan" link) fills in
  the new plan's account;
* the portfolio page publishes the loaded accounts' names under its own key,
  which the onboarding page only reads (this folder may not import the
  portfolio feature, so the name is repeated here).
"""

from __future__ import annotations

from typing import Literal

RAMP_PICK_KEY = "csm"
ONBOARDING_PICK_KEY = "plan"
NEW_PLAN_ACCOUNT_PARAM = "account"
ONBOARDING_PAGE = "pages/onboarding.py"  # the page other features link to with the two parameters above

PROBLEM_KEY = "checklists:problem"  # a refused or failed change, shown once on the next run

NewPlanField = Literal["subject", "checklist", "start", "message", "asked"]


def new_plan_form_key(page: str) -> str:
    """The new-plan form of one page ("ramp", "onboarding"); its fields add their name to it."""
    return f"checklists:new:{page}"


def new_plan_field_key(form_key: str, field: NewPlanField) -> str:
    return f"{form_key}:{field}"


def tick_key(plan_id: str, item_id: str) -> str:
    return f"checklists:tick:{plan_id}:{item_id}"


def note_key(plan_id: str, item_id: str) -> str:
    return f"checklists:note:{plan_id}:{item_id}"


def drawn_key(widget_key: str) -> str:
    """The saved value a tick or note widget was last drawn from (see ``plan.show_saved``)."""
    return f"checklists:drawn:{widget_key}"


def lost_key(widget_key: str) -> str:
    """Set while a click on a tick box was lost and the box has not been clicked again (see ``plan.show_saved``)."""
    return f"checklists:lost:{widget_key}"


def signoff_key(plan_id: str, stage_id: str) -> str:
    return f"checklists:signoff:{plan_id}:{stage_id}"


def reopen_key(plan_id: str, stage_id: str) -> str:
    return f"checklists:reopen:{plan_id}:{stage_id}"


def start_key(plan_id: str) -> str:
    """The start-date input; its form is ``start_form_key``."""
    return f"checklists:start:{plan_id}"


def start_form_key(plan_id: str) -> str:
    return f"checklists:start-form:{plan_id}"


def confirm_reset_key(plan_id: str) -> str:
    return f"checklists:confirm-reset:{plan_id}"


def reset_key(plan_id: str) -> str:
    return f"checklists:reset:{plan_id}"
