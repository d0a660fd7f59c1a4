"""`python -m scoring renewals` and `python -m scoring qbr` on the demo and on bad input."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from scoring.cli.main import main
from scoring.portfolio.demo import DEMO_DIR, DEMO_FILES
from scoring.qbr.notes import save_notes
from scoring.qbr.quarters import Quarter
from scoring.qbr.records import QbrNotes
from scoring.storage import Store

FILES = [str(DEMO_DIR / name) for name in DEMO_FILES]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_renewals_names_an_account_renewing_within_90_days_with_no_arr(tmp_path: Path) -> None:
    soon = (date.today() + timedelta(days=21)).strftime("%m/%d/%Y")
    book = tmp_path / "book.csv"
    book.write_text(
        "Account ID,Account Name,ARR,Renewal Date,Usage %,Licensed Seats,Active Users\n"
        f"A-1,Alpha,,{soon},35%,100,20\n"
        'A-2,Beta,"$80,000",01/05/2031,90%,50,48\n'
    )
    code, out, _ = run("renewals", str(book))
    assert code == 0
    assert "Weekly monitoring (renewing within 90 days): 1 account\n" in out
    assert "  of which with no ARR in the exports: A-1\n" in out
    # counted in its window like any renewal, with an unknown amount rather than $0
    assert "within 30 days            1     1       0      0             0       1        no data        no data" in out
    # its quarter: one renewal, a logo at the red rate, and no ARR or GRR figure rather than $0 and 0%
    quarter = str(Quarter.of(date.today() + timedelta(days=21)))
    assert f"{quarter:<9}{1:>8}{1:>8}{'no data':>15}   {'no data':<27}60.0% (0.0%-100.0%)\n" in out
    # on Sales Ops' list too (Beta renews in 2031), its amount unknown rather than $0
    assert "Sales Ops (renewing within 120 days): 1 account, no data (1 with no ARR, in no sum)\n" in out
    assert "Set apart, not counted as $0: 1 account without ARR or a renewal date\n" in out


def test_one_renewal_due_to_sales_ops_is_worded_in_the_singular(tmp_path: Path) -> None:
    """'1 accounts, $10,000' read as a slip in a line that goes to Sales Ops."""
    soon = (date.today() + timedelta(days=50)).strftime("%m/%d/%Y")
    book = tmp_path / "book.csv"
    book.write_text(f'Account ID,Account Name,ARR,Renewal Date,Usage %\nA-1,Alpha,"$10,000",{soon},90%\n')
    code, out, _ = run("renewals", str(book))
    assert code == 0
    assert "Forecast due to Sales Ops (renewing within 120 days): 1 account, $10,000\n" in out


def test_renewals_with_no_arr_column_print_no_data_not_zero_dollars(tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    book.write_text("Account ID,Account Name,Renewal Date,Usage %\nA-1,Alpha,12/20/2030,35%\n")
    code, out, _ = run("renewals", str(book))
    assert code == 0 and "$0" not in out.replace("not counted as $0", "")
    assert "within 90 days            0     0       0      0             0        no data        no data" in out


def test_renewals_stops_at_the_horizon_asked_for() -> None:
    code, out, _ = run("renewals", *FILES, "--horizon", "45")
    assert code == 0
    windows = [line.split("  ")[0] for line in out.splitlines() if line.startswith("within")]
    assert windows == ["within 30 days", "within 45 days"]
    assert "Forecast due to Sales Ops" in out and "2026Q4" in out


def test_renewals_states_every_rate_it_forecasts_with_and_takes_each_from_the_command_line() -> None:
    """The defaults are the forecast's own, and accounts with too little data have a rate and a column too."""
    code, out, _ = run("renewals", *FILES, "--horizon", "30")
    assert code == 0
    assert "Renewal rates: green 95%, yellow 85%, red 60%, insufficient 80%" in out
    header = ["window", "accounts", "red", "yellow", "green", "insufficient", "ARR", "expected", "ARR"]
    assert out.splitlines()[3].split() == header
    code, out, _ = run("renewals", *FILES, "--horizon", "30", "--insufficient-rate", "0.5")
    assert code == 0 and "insufficient 50%" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--horizon", "0"], "--horizon"),
        (["--red-rate", "1.5"], "red renewal rate is 1.5"),
        (["--insufficient-rate", "-0.1"], "insufficient renewal rate is -0.1"),
    ],
)
def test_renewals_refuses_bad_options_in_one_line(argv: list[str], message: str) -> None:
    code, _, err = run("renewals", *FILES, *argv)
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_qbr_writes_markdown_with_its_chart_and_the_saved_notes(db_path: Path, tmp_path: Path) -> None:
    store = Store(db_path)
    save_notes(store, "ACC-1001", "2026Q4", QbrNotes(achievements="Cut onboarding to 9 days"))
    store.close()
    target = tmp_path / "pack.md"
    code, out, err = run("qbr", *FILES, "--account", "ACC-1001", "--quarter", "2026Q4", "-o", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Quarterly business review: Tidewater Health")
    assert "- Cut onboarding to 9 days" in text
    assert "![Points each signal earned](pack-health.png)" in text
    assert (tmp_path / "pack-health.png").read_bytes()[:4] == b"\x89PNG"
    assert "pack.md" in out


@pytest.mark.parametrize(("quarter", "month"), [("2026Q4", "2026-10"), ("2026Q3", "2026-09")])
def test_qbr_drivers_add_up_to_the_score_shown_bonus_included(
    db_path: Path, tmp_path: Path, quarter: str, month: str
) -> None:
    """Tidewater's customer can state their ROI (+10): the pack's lines used to stop 10 points short of its 77.6,
    and a review of an earlier quarter showed that quarter's drivers under today's score."""
    target = tmp_path / "pack.md"
    assert run("qbr", *FILES, "--account", "ACC-1001", "--quarter", quarter, "-o", str(target))[0] == 0
    text = target.read_text()
    shown = float(re.search(rf"Health score \*\*([\d.]+)\*\* \(yellow\) in {month},", text).group(1))  # type: ignore[union-attr]
    table = re.findall(r"^\| (.+?) \| ([\d.]+) \| ([\d.]+) \|$", text, flags=re.MULTILINE)
    assert table[-1] == ("Bonus: Customer can state their ROI", "10.0", "10.0")
    assert len(table) == 6
    assert sum(float(points) for _, points, _ in table) == pytest.approx(shown, abs=0.15)


def test_a_pack_for_an_earlier_quarter_states_the_score_the_portfolio_gave_at_its_end(
    db_path: Path, tmp_path: Path
) -> None:
    """The 2026Q3 pack put October's 77.6 above September's metrics; it states September's score, as ranked then."""
    target = tmp_path / "pack.md"
    assert run("qbr", *FILES, "--account", "ACC-1001", "--quarter", "2026Q3", "-o", str(target))[0] == 0
    text = target.read_text()
    code, out, err = run("portfolio", *FILES, "--as-of", "2026-09-30")
    assert code == 0, err
    then = next(r for r in csv.DictReader(io.StringIO(out)) if r["account_id"] == "ACC-1001")
    assert "Values from 2026-09;" in text
    assert f"Health score **{float(then['score']):.1f}** ({then['band']}) in 2026-09," in text
    assert f"Losing the most points: {then['weakest']}." in text


def test_qbr_writes_a_powerpoint(db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "pack.pptx"
    code, _, err = run(
        "qbr", *FILES, "--account", "ACC-1001", "--quarter", "Q4 2026", "--format", "pptx", "-o", str(target)
    )
    assert code == 0, err
    with zipfile.ZipFile(target) as z:
        slides = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("ppt/slides/slide"))
    assert "Tidewater Health" in slides


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--account", "ACC-1001", "--quarter", "2026Q9"], "write it as 2026Q4"),
        (["--account", "NOPE", "--quarter", "2026Q4"], "no account 'NOPE'"),
    ],
)
def test_qbr_refuses_bad_input_in_one_line(db_path: Path, tmp_path: Path, argv: list[str], message: str) -> None:
    code, _, err = run("qbr", *FILES, *argv, "-o", str(tmp_path / "x.md"))
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.md").exists()
