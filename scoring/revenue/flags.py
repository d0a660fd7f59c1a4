"""Expansion flags the CSM sets by hand, and the reference tier, kept per account.

Seats and renewal timing are computed; a new department's interest, premium
feature requests and rising executive engagement are things a CSM hears in
a call.  When no export carries them as a yes/no column, the account page
sets them here, and the expansion list counts them exactly like a column
would (``merged``).  The reference tier is the account profile the QBR
details already keep (``scoring.qbr.notes``), so the two pages edit one
value.  Database failures reach the page as a sentence (``FlagError``).
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring.db import DuckDBError, Store, flag_store
from scoring.qbr.notes import QbrNotesError, load_profiles, save_profile
from scoring.qbr.records import AccountProfile
from scoring.revenue.expansion import ExpansionRules, expansion_rules


class FlagError(RuntimeError):
    """The flags could not be read or saved; the message says what to do."""


def hand_set_signals(rules: ExpansionRules | None = None) -> tuple[str, ...]:
    """The signal ids a person sets (the catalog's ``flag`` signals), in catalog order."""
    rules = rules or expansion_rules()
    return tuple(s.id for s in rules.signals if s.source == "flag")


def save_flags(store: Store, account_id: str, flags: Mapping[str, bool], actor: str | None = None) -> None:
    """Set one account's hand-set signals on or off; an id the catalog does not set by hand is refused."""
    allowed = set(hand_set_signals())
    unknown = sorted(set(flags) - allowed)
    if unknown:
        raise FlagError(f"Unknown expansion signal {', '.join(unknown)}; use one of {', '.join(sorted(allowed))}.")
    try:
        flag_store(store).save(account_id, flags, actor)
    except DuckDBError:
        raise FlagError("The expansion signals could not be saved; nothing changed. Try again in a moment.") from None


def saved_flags(store: Store) -> dict[str, frozenset[str]]:
    """Account id -> the hand-set signals that are on."""
    try:
        return flag_store(store).flagged()
    except DuckDBError:
        raise FlagError("The saved expansion signals could not be read; try reloading the page.") from None


def merged(*sources: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Flags from exports and from the account page together: a signal counts once, from either."""
    out: dict[str, frozenset[str]] = {}
    for source in sources:
        for account, ids in source.items():
            out[account] = out.get(account, frozenset()) | ids
    return out


def reference_tier(store: Store, account_id: str) -> int | None:
    """The account's reference tier (1-3), None when none is set."""
    try:
        return load_profiles(store).get(account_id, AccountProfile()).reference_tier
    except QbrNotesError as exc:
        raise FlagError(str(exc)) from None


def reference_tiers(store: Store) -> dict[str, int]:
    """Account id -> the reference tier agreed, for every account that has one."""
    try:
        profiles = load_profiles(store)
    except QbrNotesError as exc:
        raise FlagError(str(exc)) from None
    return {a: p.reference_tier for a, p in profiles.items() if p.reference_tier is not None}


def save_reference_tier(store: Store, account_id: str, tier: int | None) -> None:
    """Set the tier and keep the rest of the account's profile (the customer-since date) as it was."""
    try:
        kept = load_profiles(store).get(account_id, AccountProfile())
        save_profile(store, account_id, AccountProfile(kept.customer_since, tier))
    except QbrNotesError as exc:
        raise FlagError(str(exc)) from None
