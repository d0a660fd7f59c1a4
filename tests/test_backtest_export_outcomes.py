"""Outcome columns already in the exports, with headers as CRMs and CS platforms export them.

Header spellings are those of the tools' own field labels: a Salesforce opportunity report
("Account ID", "Opportunity Name", "Stage", "Close Date", "Amount"; stages Prospecting ...
Negotiation/Review, Closed Won, Closed Lost), a HubSpot deals export ("Record ID", "Deal Name",
"Deal Stage", "Close Date", "Amount", "Associated Company IDs"; default stages Appointment
Scheduled ... Contract Sent, Closed Won, Closed Lost) and a Gainsight company list ("GSID",
"Name", "Status" = Active / Churned, "Renewal Date", "ARR").
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from scoring.backtest.export_outcomes import outcomes_in_exports
from scoring.portfolio.contract import Export

SALESFORCE = (
    "Account ID,Opportunity Name,Stage,Close Date,Amount,Type\n"
    "001A,Acme renewal 2026,Closed Won,3/31/2026,120000,Renewal\n"
    "001B,Beta renewal 2026,Closed Lost,4/30/2026,80000,Renewal\n"
    "001C,Core renewal 2026,Negotiation/Review,9/30/2026,50000,Renewal\n"
    "001D,Delta renewal 2026,Perhaps,5/31/2026,10000,Renewal\n"
)
HUBSPOT = (
    "Record ID,Deal Name,Deal Stage,Close Date,Amount,Associated Company IDs\n"
    "9001,Acme renewal,Closed Won,2026-03-31,120000,501\n"
    "9002,Beta renewal,Closed Lost,2026-04-30,80000,502\n"
    "9003,Core renewal,Contract Sent,2026-09-30,50000,503\n"
)
GAINSIGHT = (
    "GSID,Name,Status,Renewal Date,ARR\n"
    "1P02A,Acme Corp,Active,2026-12-31,120000\n"
    "1P02B,Beta Ltd,Churned,2026-04-30,80000\n"
)


def _csv(name: str, text: str) -> Export:
    return Export(name, text.encode())


def test_a_salesforce_opportunity_report_gives_won_and_lost_and_names_the_rest() -> None:
    found = outcomes_in_exports([_csv("opportunities.csv", SALESFORCE)])
    assert found.files == ("opportunities.csv",)
    assert [(o.account_id, o.outcome, o.event_date) for o in found.read.outcomes] == [
        ("001A", "renewed", date(2026, 3, 31)),
        ("001B", "churned", date(2026, 4, 30)),
    ]
    kinds = {p.kind: p for p in found.read.problems}
    assert kinds["still_open"].count == 1 and "Negotiation/Review" in kinds["still_open"].message
    unreadable = kinds["unreadable_value"]
    assert (unreadable.column, unreadable.value, unreadable.rows) == ("Stage", "Perhaps", (5,))
    assert "opportunities.csv" in unreadable.message


def test_a_hubspot_deals_export_is_keyed_on_the_company_not_the_deal() -> None:
    found = outcomes_in_exports([_csv("deals.csv", HUBSPOT)])
    assert [(o.account_id, o.outcome) for o in found.read.outcomes] == [("501", "renewed"), ("502", "churned")]
    assert found.read.columns["outcome"] == "Deal Stage"
    assert [p.kind for p in found.read.problems] == ["still_open"]  # Contract Sent: not decided yet


def test_a_gainsight_company_list_reads_status_and_renewal_date() -> None:
    found = outcomes_in_exports([_csv("companies.csv", GAINSIGHT)])
    assert [(o.account_id, o.outcome, o.event_date) for o in found.read.outcomes] == [
        ("1P02A", "renewed", date(2026, 12, 31)),
        ("1P02B", "churned", date(2026, 4, 30)),
    ]


def test_a_monthly_export_that_repeats_the_churn_date_gives_one_outcome_per_account() -> None:
    usage = (
        "Account ID,Month,Usage %,Churn Date\n"
        "A-1,2026-01,50%,2026-03-15\nA-1,2026-02,20%,2026-03-15\n"
        "B-2,2026-01,80%,\nB-2,2026-02,85%,\n"
    )
    found = outcomes_in_exports([_csv("usage.csv", usage)])
    assert [(o.account_id, o.outcome, o.event_date) for o in found.read.outcomes] == [
        ("A-1", "churned", date(2026, 3, 15)),
        ("B-2", "renewed", None),
    ]
    assert found.read.problems == ()


def test_excel_and_parquet_exports_are_read_too() -> None:
    frame = pd.read_csv(io.StringIO(GAINSIGHT), dtype=str)
    xlsx, parquet = io.BytesIO(), io.BytesIO()
    frame.to_excel(xlsx, index=False)
    frame.to_parquet(parquet, index=False)
    for export in (Export("companies.xlsx", xlsx.getvalue()), Export("companies.parquet", parquet.getvalue())):
        found = outcomes_in_exports([export])
        assert [o.outcome for o in found.read.outcomes] == ["renewed", "churned"], export.name


def test_exports_without_outcome_columns_say_what_would_be_read() -> None:
    usage = _csv("usage.csv", "Account ID,Month,Usage %\nA-1,2026-01,50%\n")
    tickets = _csv("tickets.csv", "Account ID,Status,Subject\nA-1,Solved,Login\nA-1,Closed,Export\n")
    found = outcomes_in_exports([usage, tickets])
    assert found.files == () and found.read.outcomes == ()
    (problem,) = found.read.problems
    assert "usage.csv, tickets.csv" in problem.message and "Upload an outcomes file" in problem.message
    assert "tickets.csv ('Account ID', 'Status')" in problem.message  # a ticket's status is no outcome
