"""The canonical fields a portfolio export can feed, and the headers that mean them.

CRMs and analytics tools name the same thing a dozen ways (``Total_Seats``,
``Licensed Seats``, ``seats_purchased``).  Headers are normalised first (case,
spacing, punctuation, camelCase) so one synonym covers every spelling, and a
model's own signal ids and labels count as headers too, so a column named
``teams_live`` is taken as that signal without any mapping.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from scoring.model import Model
from scoring.portfolio.contract import MappingReason

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
            "gsid",
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
            "company_owner",
            "customer_owner",
            "owner_user_account",
        ),
    ),
    Field(
        "segment",
        "Segment",
        "text",
        ("segment", "tier", "customer_segment", "account_segment", "market_segment", "customer_tier", "account_tier"),
    ),
    # Not "Annual Revenue": in a CRM that is the customer's own turnover, not what they pay.
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
            "period_end",
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
            "unique_users",
            "visitors",
            "active_visitors",
            "unique_visitors",
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
            "last_activity",
            "last_activity_date",
            "last_contacted",
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

# Words that decorate a header without changing what it means: "Total ARR (USD)",
# "No. of Seats", "Usage %", "Count of Logins", "Record ID".  Currencies and time
# zones, counting words, percentage words, and the words exports put before an id.
_NOISE = frozenset(
    {
        "usd", "eur", "gbp", "cad", "aud", "chf", "jpy", "inr", "converted", "utc", "gmt",
        "in", "the", "of", "a", "per",
        "current", "total", "sum", "count", "number", "num", "no", "nr", "qty", "amount", "value_of",
        "record", "external", "unique", "internal", "crm", "hs", "sf", "sfdc",
    }
)  # fmt: skip

# Words that say "a share of": kept as one marker, so "Active users" (a count) and
# "Active users ratio" (a share) stay apart, yet "Overrides %" still finds "override_rate".
PCT = "pct"
_PCT_WORDS = frozenset({"pct", "percent", "percentage", "rate", "ratio", "share"})

# Spellings and abbreviations that mean the same word, read as the first one.
_SAME_WORD = {
    "acct": "account",
    "acc": "account",
    "org": "organization",
    "organisation": "organization",
    "cust": "customer",
    "licence": "license",
    "licensed": "license",
    "utilisation": "utilization",
    "util": "utilization",
    "usr": "user",
    "checkin": "check_in",
    "signin": "sign_in",
}

# Time windows and other qualifiers: "(30d)", "last 30 days", "- 90 days", "L30D", "MTD".
_UNIT = r"(?:d|day|days|w|wk|wks|week|weeks|m|mo|mos|month|months|q|qtr|quarter|quarters|y|yr|yrs|year|years)"
_WINDOWS = (
    re.compile(rf"(?:^|_)(?:last|past|previous|prior|trailing|rolling|over|next)_(?:\d+_)?{_UNIT}(?=_|$)"),
    re.compile(rf"(?:^|_)[lt]\d+{_UNIT}(?=_|$)"),
    re.compile(rf"(?:^|_)\d+_?{_UNIT}(?=_|$)"),
    re.compile(r"(?:^|_)(?:mtd|qtd|ytd|wtd|to_date)(?=_|$)"),
)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
# "L30D", "T12M", "30D" written as one word: taken out before camelCase splitting would cut them up.
_SHORT_WINDOW = re.compile(r"(?i)(?<![a-z0-9])[lt]?\d+[dwmqy](?![a-z0-9])")


def normalise(header: str) -> str:
    """'Licensed Seats', 'licensed-seats' and 'LicensedSeats' all become 'licensed_seats'."""
    text = unicodedata.normalize("NFKC", str(header)).strip()
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = text.replace("%", " pct ").replace("#", " num ")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _singular(word: str) -> str:
    """'seats' -> 'seat', 'companies' -> 'company': plurals and singulars read alike."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(key: str) -> list[str]:
    words: list[str] = []
    for part in key.split("_"):
        if not part or part in _NOISE:
            continue
        if part in _PCT_WORDS:
            words.append(PCT)
            continue
        word = _SAME_WORD.get(_singular(part), _singular(part))
        words.extend(w for w in word.split("_") if w not in _NOISE)
    return sorted(set(words))


def header_form(header: str) -> str:
    """What a header says once its qualifiers are gone, in a form where word order and plurals don't matter.

    The rule, in order: drop anything in brackets ("ARR (USD)", "Users (30d)"),
    drop a table prefix ("subscriptions.customer_id"), normalise, drop time
    windows ("last 30 days", "- 90 days", "L30D", "MTD"), drop words that only
    decorate (currencies, "Total", "No. of", "Count of", "%", "#"), read
    abbreviations and British spellings as one word, make every word singular
    and sort them.  A synonym and a header that reduce to the same form mean
    the same field, which is why the synonyms are reduced the same way.
    """
    text = _SHORT_WINDOW.sub(" ", _BRACKETS.sub(" ", unicodedata.normalize("NFKC", str(header))))
    if re.fullmatch(r"\s*[A-Za-z]\w*\.[A-Za-z_][\w ]*\s*", text):
        text = text.split(".", 1)[1]
    key = normalise(text)
    for pattern in _WINDOWS:
        key = pattern.sub("_", key)
    return "_".join(_words(key))


def _without_pct(form: str) -> str:
    return "_".join(w for w in form.split("_") if w != PCT)


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


@dataclass(frozen=True)
class Guess:
    """The field a header was read as, and how: ``reason`` is "synonym" when the header
    is a known name as it stands and "qualifier" when it matched only after its
    qualifiers, units, word order or plurals were set aside (less sure); the mapping
    adds "user" and "remembered".  ``rank`` settles clashes between two headers of
    one file: lower wins."""

    field: str
    rank: int
    reason: MappingReason


@dataclass(frozen=True)
class SynonymIndex:
    """The names each field is known by: as normalised, and reduced to their ``header_form``."""

    exact: dict[str, tuple[str, int]]
    forms: dict[str, tuple[str, int]]
    loose: dict[str, tuple[str, int]]  # forms without the share marker: "Teams live %" finds teams_live


@functools.lru_cache(maxsize=32)
def synonym_index(model: Model) -> SynonymIndex:
    """Every name a field is known by, for this model (built once per model: reducing every synonym takes a while).

    Precedence: a model's own signal and bonus ids, then canonical synonyms,
    then the model's labels.  So ``nps_score`` is three-pillar's 0-10 signal,
    but a column headed "NPS" is the canonical -100..100 NPS (and is rescaled
    into the signal), even though that signal's label is also "NPS".  The rank
    is the synonym's position in its list: when two headers of one file claim
    the same field ("ID" and "Account ID"), the better-ranked wins.
    """
    names: list[tuple[str, str, int]] = []  # (name, field, rank) in precedence order
    model_owned = [f for f in model_fields(model).values() if f.id not in CANONICAL_BY_ID]
    names.extend((f.id, f.id, 0) for f in model_owned)
    for f in CANONICAL:
        names.extend((name, f.id, rank) for rank, name in enumerate((f.id, *f.synonyms)))
    names.extend((name, f.id, 1) for f in model_owned for name in f.synonyms)
    exact: dict[str, tuple[str, int]] = {}
    forms: dict[str, tuple[str, int]] = {}
    loose: dict[str, tuple[str, int]] = {}
    for name, field_id, rank in names:
        exact.setdefault(normalise(name), (field_id, rank))
        form = header_form(name)
        if form:
            forms.setdefault(form, (field_id, rank))
        if _without_pct(form):
            loose.setdefault(_without_pct(form), (field_id, rank))
    return SynonymIndex(exact, forms, loose)


def guess_field(header: str, index: SynonymIndex) -> Guess | None:
    """The field a header most likely means, or None when nothing fits.

    A header that is a known name as it stands is sure; one that only matches
    once qualifiers are set aside ranks behind any exact match for the same
    field, so "Account ID" beats "Record ID" when a file has both.
    """
    key = normalise(header)
    if key in index.exact:
        field_id, rank = index.exact[key]
        return Guess(field_id, rank, "synonym")
    form = header_form(header)
    for table, key in ((index.forms, form), (index.loose, _without_pct(form))):
        if key and key in table:
            field_id, rank = table[key]
            return Guess(field_id, rank + 100, "qualifier")
    return None
