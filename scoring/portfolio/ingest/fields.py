"""The canonical fields a portfolio export can feed, and the headers that mean them.

CRMs and analytics tools name the same thing a dozen ways (``Total_Seats``,
``Licensed Seats``, ``seats_purchased``).  Headers are normalised first (case,
spacing, punctuation, camelCase) so one synonym covers every spelling, and a
model's own signal ids and labels count as headers too, so a column named
``teams_live`` is taken as that signal without any mapping.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from scoring.model import Model

Kind = Literal["key", "text", "number", "date", "period", "flag"]


@dataclass(frozen=True)
class Field:
    """One thing a column can mean.

    ``additive`` fields are summed when an export has several rows for the same
    account and month (logins per day add up to logins per month); every
    other field takes the latest row's value.  ``nonnegative`` fields cannot be
    below zero, so a negative cell is set aside rather than scored.
    """

    id: str
    label: str
    kind: Kind
    synonyms: tuple[str, ...] = ()
    nonnegative: bool = False
    additive: bool = False


CANONICAL: tuple[Field, ...] = (
    Field(
        "account_id",
        "Account ID",
        "key",
        (
            "account_id",
            "accountid",
            "acct_id",
            "acct",
            "account",
            "account_number",
            "account_no",
            "account_num",
            "acct_number",
            "acct_no",
            "acct_num",
            "customer_id",
            "customer_number",
            "customer_no",
            "customer_num",
            "client_id",
            "client_number",
            "client_no",
            "client_num",
            "company_id",
            "org_id",
            "organization_id",
            "organisation_id",
            "tenant_id",
            "crm_id",
            "sfdc_id",
            "salesforce_id",
            "id",
        ),
    ),
    Field(
        "account_name",
        "Account name",
        "text",
        (
            "account_name",
            "name",
            "customer",
            "customer_name",
            "company",
            "company_name",
            "client",
            "client_name",
            "organization",
            "organisation",
            "organization_name",
            "organisation_name",
            "account_title",
        ),
    ),
    Field(
        "owner",
        "Owner (CSM)",
        "text",
        (
            "owner",
            "csm",
            "csm_name",
            "account_owner",
            "owner_name",
            "customer_success_manager",
            "success_manager",
            "assigned_csm",
            "csm_owner",
            "account_manager",
            "am",
            "cs_owner",
        ),
    ),
    Field(
        "segment",
        "Segment",
        "text",
        ("segment", "tier", "customer_segment", "account_segment", "market_segment", "customer_tier", "account_tier"),
    ),
    Field(
        "arr",
        "ARR",
        "number",
        (
            "arr",
            "annual_recurring_revenue",
            "contract_value",
            "acv",
            "annual_contract_value",
            "current_arr",
            "total_arr",
            "arr_usd",
            "arr_eur",
            "arr_gbp",
            "recurring_revenue",
            "annual_revenue",
        ),
        nonnegative=True,
    ),
    Field(
        "renewal_date",
        "Renewal date",
        "date",
        (
            "renewal_date",
            "renewal",
            "contract_end",
            "contract_end_date",
            "next_renewal",
            "next_renewal_date",
            "renewal_due",
            "renewal_due_date",
            "subscription_end",
            "subscription_end_date",
            "term_end",
            "end_date",
        ),
    ),
    Field(
        "period",
        "Period (month)",
        "period",
        (
            "period",
            "month",
            "date",
            "snapshot_date",
            "report_month",
            "reporting_month",
            "reporting_period",
            "usage_month",
            "activity_month",
            "month_start",
            "as_of",
            "as_of_date",
            "week",
            "day",
        ),
    ),
    Field(
        "licensed_seats",
        "Licensed seats",
        "number",
        (
            "licensed_seats",
            "total_seats",
            "seats",
            "seats_purchased",
            "purchased_seats",
            "licenses",
            "licences",
            "license_count",
            "licence_count",
            "seat_count",
            "contracted_seats",
            "licensed_users",
            "seats_licensed",
            "number_of_seats",
            "num_seats",
            "entitlements",
        ),
        nonnegative=True,
    ),
    Field(
        "active_users",
        "Active users",
        "number",
        (
            "active_users",
            "mau",
            "monthly_active_users",
            "users_active",
            "active_seats",
            "active_user_count",
            "num_active_users",
            "active_accounts_users",
        ),
        nonnegative=True,
    ),
    Field(
        "logins",
        "Logins",
        "number",
        (
            "logins",
            "login_count",
            "num_logins",
            "sessions",
            "session_count",
            "total_logins",
            "monthly_logins",
            "sign_ins",
            "signins",
        ),
        nonnegative=True,
        additive=True,
    ),
    Field(
        "usage_rate",
        "Usage rate (%)",
        "number",
        (
            "usage_rate",
            "usage",
            "usage_pct",
            "usage_percent",
            "usage_percentage",
            "pct_usage",
            "utilization",
            "utilisation",
            "usage_utilization",
            "consumption",
            "consumption_rate",
            "consumption_pct",
        ),
        nonnegative=True,
    ),
    Field(
        "tickets",
        "Support tickets",
        "number",
        (
            "tickets",
            "support_tickets",
            "ticket_count",
            "num_tickets",
            "tickets_opened",
            "new_tickets",
            "monthly_tickets",
            "cases",
            "support_cases",
            "case_count",
            "cases_created",
        ),
        nonnegative=True,
        additive=True,
    ),
    Field(
        "p1p2_tickets",
        "P1/P2 tickets",
        "number",
        (
            "p1p2_tickets",
            "p1_p2",
            "p1p2",
            "p1_p2_tickets",
            "p1_p2_cases",
            "open_p1_p2",
            "p1_p2_open",
            "sev1_sev2",
            "sev_1_2",
            "critical_tickets",
            "high_priority_tickets",
            "urgent_tickets",
            "priority_tickets",
        ),
        nonnegative=True,
    ),
    Field("nps", "NPS", "number", ("nps", "net_promoter_score", "nps_score", "nps_rating", "promoter_score")),
    Field(
        "csat",
        "CSAT",
        "number",
        ("csat", "csat_score", "csat_pct", "customer_satisfaction", "satisfaction", "satisfaction_score"),
        nonnegative=True,
    ),
    Field(
        "last_checkin",
        "Last check-in",
        "date",
        (
            "last_checkin",
            "last_check_in",
            "last_check_in_date",
            "last_checkin_date",
            "last_contact",
            "last_contact_date",
            "last_touch",
            "last_touchpoint",
            "last_touch_date",
            "last_meeting",
            "last_meeting_date",
            "last_engagement",
            "last_interaction",
            "last_call",
        ),
    ),
    Field(
        "days_since_checkin",
        "Days since last check-in",
        "number",
        (
            "days_since_checkin",
            "days_since_last_checkin",
            "days_since_contact",
            "days_since_last_contact",
            "days_since_touch",
        ),
        nonnegative=True,
    ),
)

CANONICAL_BY_ID: dict[str, Field] = {f.id: f for f in CANONICAL}

# Canonical numeric fields, in a fixed order: the columns every facts table has.
NUMERIC_FIELDS: tuple[str, ...] = tuple(f.id for f in CANONICAL if f.kind == "number")
TEXT_FIELDS: tuple[str, ...] = ("account_name", "owner", "segment")

# Words that decorate a header without changing what it means: "ARR (USD)".
_NOISE = {"usd", "eur", "gbp", "in", "the", "current", "total", "of"}


def normalise(header: str) -> str:
    """'Licensed Seats', 'licensed-seats' and 'LicensedSeats' all become 'licensed_seats'."""
    text = unicodedata.normalize("NFKC", str(header)).strip()
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = text.replace("%", " pct ").replace("#", " num ")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _without_noise(key: str) -> str:
    return "_".join(part for part in key.split("_") if part not in _NOISE)


def model_fields(model: Model) -> dict[str, Field]:
    """Every field a column may be mapped to for this model: canonical, signals, bonuses."""
    fields: dict[str, Field] = dict(CANONICAL_BY_ID)
    for signal in model.signals:
        if signal.id not in fields:
            fields[signal.id] = Field(signal.id, signal.label, "number", (normalise(signal.label),))
    for bonus in model.bonuses:
        if bonus.id not in fields:
            fields[bonus.id] = Field(bonus.id, bonus.label, "flag", (normalise(bonus.label),))
    return fields


def synonym_index(model: Model) -> dict[str, tuple[str, int]]:
    """normalised header -> (field id, rank).

    Precedence: a model's own signal and bonus ids, then canonical synonyms,
    then the model's labels.  So ``nps_score`` is three-pillar's 0-10 signal,
    but a column headed "NPS" is the canonical -100..100 NPS (and is rescaled
    into the signal), even though that signal's label is also "NPS".  The rank
    is the synonym's position in its list: when two headers of one file claim
    the same field ("ID" and "Account ID"), the better-ranked wins.
    """
    index: dict[str, tuple[str, int]] = {}
    model_owned = [f for f in model_fields(model).values() if f.id not in CANONICAL_BY_ID]
    for f in model_owned:
        index.setdefault(normalise(f.id), (f.id, 0))
    for f in CANONICAL:
        for rank, name in enumerate((f.id, *f.synonyms)):
            index.setdefault(normalise(name), (f.id, rank))
    for f in model_owned:
        for name in f.synonyms:
            index.setdefault(name, (f.id, 1))
    return index


def guess_field(header: str, index: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    """(field id, rank) a header most likely means, or None when nothing fits."""
    key = normalise(header)
    if key in index:
        return index[key]
    trimmed = _without_noise(key)
    if trimmed and trimmed in index:
        field_id, rank = index[trimmed]
        return field_id, rank + 100
    return None
