"""Three of the header corpus's exports, uploaded in real Chromium, leave no fillable signal empty.

The files are the corpus's hand-kept spreadsheet, Salesforce report and
Amplitude accounts export, each written as CSV with a few plausible rows.  A
signal "the files could fill" is one the corpus says a header feeds, directly
or through the canonical fields its derivation reads; the page must not name
any of those as missing.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from playwright.sync_api import expect

from scoring.catalog import get_model
from scoring.portfolio.ingest.gaps import inputs_of
from tests.header_corpus import CASES, SAMPLE_ROWS
from tests.servers import AppServer

pytestmark = pytest.mark.browser

MODEL = get_model("technical-csm")  # the page's default model
UPLOADED = ("Hand-kept spreadsheet", "Salesforce report", "Amplitude accounts")


def as_csv(tool: str) -> bytes:
    case = next(c for c in CASES if c.tool == tool)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(case.headers)
    writer.writerows(SAMPLE_ROWS[tool])
    return text.getvalue().encode("utf-8")


def fillable_labels() -> list[str]:
    """Labels of the model's signals the uploaded files carry, by the corpus's own answer key."""
    fed = {f for c in CASES if c.tool in UPLOADED for f in c.headers.values() if f}
    return [s.label for s in MODEL.signals if s.id in fed or (inputs_of(s) and all(f in fed for f in inputs_of(s)))]


def test_three_corpus_exports_leave_no_fillable_signal_without_data(
    app_server: AppServer, page: Any, patient_assertions: None
) -> None:
    labels = fillable_labels()
    assert len(labels) == len(MODEL.signals)  # the spreadsheet alone carries all five
    page.goto(app_server.url)
    page.get_by_role("heading", name="Account Health Studio").wait_for()
    page.goto(f"{app_server.url}/portfolio")
    page.get_by_text("Showing the demo portfolio").wait_for(timeout=60_000)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": f"{tool}.csv", "mimeType": "text/csv", "buffer": as_csv(tool)} for tool in UPLOADED],
        timeout=60_000,
    )
    # Three spreadsheet accounts, three CRM accounts that the Amplitude file joins on their ids.
    page.get_by_text("Scored 6 accounts from 3 files").wait_for(timeout=90_000)
    expect(page.get_by_text("Showing the demo portfolio")).to_have_count(0)
    body = page.locator("body").inner_text()
    gap = next((line for line in body.splitlines() if line.startswith("Scored on")), "")
    for label in labels:
        assert f"no column for {label}" not in gap and f", {label}" not in gap, gap
    for tool in UPLOADED:
        expect(page.get_by_text(f"Columns of {tool}.csv")).to_have_count(1)
