"""Every session-state key of the portfolio page, in one place.

A key written in one module and read in another (the picked account is set by
the picker, a heatmap click and a triage row) must be the same string; naming
them here keeps the writers and readers together.  The loaded account names,
which other pages read, are ``pages.ui.common.keys.LOADED_ACCOUNTS_KEY``.
"""

from __future__ import annotations

# Where the portfolio comes from and what it scored (pages.ui.portfolio.upload).
MODEL_KEY = "portfolio_model"
UPLOAD_KEY = "portfolio_files"
SOURCE_KEY = "portfolio_source"
SCORED_KEY = "portfolio_scored"

# The user's column-mapping corrections (pages.ui.portfolio.mapping).
OVERRIDES_KEY = "portfolio_overrides"
# The one-click pickers that map a column to a signal the files left empty (pages.ui.portfolio.gaps).
GAP_PICK_PREFIX = "portfolio:gap_pick:"

# The sidebar filters (pages.ui.portfolio.filters).
OWNER_KEY = "pf_owner"
SEGMENT_KEY = "pf_segment"
BAND_KEY = "pf_band"
WINDOW_KEY = "pf_window"
SEARCH_KEY = "pf_search"
FILTER_KEYS = (OWNER_KEY, SEGMENT_KEY, BAND_KEY, WINDOW_KEY, SEARCH_KEY)

# The account picked for the scorecard link, and the two widgets that pick it too.
PICK_KEY = "portfolio_pick"
HEATMAP_KEY = "portfolio_heatmap"
TRIAGE_KEY = "portfolio_triage"
TRIAGE_IDS_KEY = "portfolio_triage_ids"  # account ids in the rows the triage table shows
REVENUE_TAB_KEY = "renewals:tab"  # the open tab of the Renewals & QBR page

GROUP_BY_KEY = "portfolio_group_by"

# What changed between two snapshots (pages.ui.portfolio.changes).
CHANGES_OLDER_KEY = "changes:older"
CHANGES_NEWER_KEY = "changes:newer"
CHANGES_RESCORE_KEY = "changes:rescore"
CHANGES_WHY_KEY = "changes:why"
CHANGES_SAVED_KEY = "changes:saved"  # what the last "Save as snapshot" did, shown once beside the button
CHANGES_SECTION_KEY = "changes:section"  # the "What changed" expander: stays open across the save's rerun
# The as-of date (pages.ui.portfolio.as_of): the date the user set, kept across pages; and the date widget.
AS_OF_KEY = "portfolio:as_of"
AS_OF_INPUT_KEY = "portfolio:as_of_input"


def mapping_editor_key(fingerprint: str) -> str:
    """One column-mapping editor per file and mapping, so a re-scored file gets a fresh editor."""
    return "pm_" + fingerprint


# Renewals, expansion and the QBR pack (pages.ui.portfolio.renewals, expansion, qbr).
RATES_KEY = "portfolio:renewal_rates"  # the RenewalRates the form last applied
RATES_SOURCE_KEY = "portfolio:renewal_rates_source"  # "stated" (the form) or "measured" (the backtest lab)
EXPANSION_THRESHOLD_KEY = "portfolio:expansion_threshold"
QBR_ACCOUNT_KEY = "portfolio:qbr_account"
QBR_QUARTER_KEY = "portfolio:qbr_quarter"
QBR_ARR_THRESHOLD_KEY = "portfolio:qbr_arr_threshold"
QBR_RHYTHM_KEY = "portfolio:qbr_rhythm"
QBR_FAILED_KEY = "portfolio:qbr_failed"  # a save's failure message, shown once on the next run


def rate_input_key(band: str) -> str:
    """The renewal-rate number input of one band."""
    return f"portfolio:renewal_rate_{band}"


def revenue_flags_form_key(account_id: str) -> str:
    """The account page's expansion-signals form (pages.ui.account.revenue_flags), one per account."""
    return f"portfolio:revenue_flags:{account_id}"


def revenue_flag_key(account_id: str, field: str) -> str:
    """One widget of that form: a hand-set signal's id, or "reference_tier"."""
    return f"portfolio:revenue_flags:{account_id}:{field}"


def qbr_field_key(account_id: str, quarter: str, field: str) -> str:
    """One QBR notes widget per account and quarter, so switching either shows that pair's saved notes."""
    return f"portfolio:qbr:{account_id}:{quarter}:{field}"


def gap_pick_key(signal_id: str) -> str:
    """One picker per missing signal."""
    return GAP_PICK_PREFIX + signal_id
