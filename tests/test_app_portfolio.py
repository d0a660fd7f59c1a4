"""The portfolio triage page: its building blocks, then the page itself under AppTest."""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.common.text import money, plain
from pages.ui.portfolio import cells, charts, filters
from pages.ui.portfolio import upload as portfolio_upload
from pages.ui.portfolio.links import link_for
from pages.ui.portfolio.mapping import OVERRIDES_KEY
from pages.ui.portfolio.problems import sentence
from pages.ui.portfolio.upload import source_of
from scoring.catalog import preset_models
from scoring.engine import score
from scoring.model import Bands
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export, InputProblem, att_column
from scoring.portfolio.demo import demo_exports
from scoring.scorecard_link import parse_link
from tests.app_pages import column_formats, run_page
from tests.portfolio_page import open_portfolio, upload
from tests.portfolio_samples import TWO_OF_FIVE_CSV, UNBANDED_WITH_ARR_CSV

MODELS = preset_models()
TECH = MODELS["technical-csm"]

CRM_CSV = (
    b"Account ID,Account Name,CSM,Segment,ARR,Renewal Date,Usage %,Total_Seats,Active Users\n"
    b'X-1,Zephyr Freight,Ann Lee,SMB,"$120,000",12/20/2026,35%,100,20\n'
    b'X-2,Yonder Health,Bo Chen,Enterprise,"$80,500",01/05/2027,90%,50,48\n'
    b'X-3,Quill & Co,Ann Lee,Enterprise,"$1,250,000",03/31/2027,72%,400,300\n'
)
UPLOADED = ["Zephyr Freight", "Yonder Health", "Quill & Co"]


def frame() -> pd.DataFrame:
    """Four accounts in triage order, with the attainments the SQL would add."""
    return pd.DataFrame(
        {
            "account_id": ["a1", "a2", "a3", "a4"],
            "account_name": ["Acme", "Globex", "Initech", "Acme"],
            "owner": ["Dana", "Lee", "Dana", "Lee"],
            "segment": ["SMB", "Enterprise", "SMB", "Mid-market"],
            "band": ["red", "yellow", "green", "green"],
            "score": [41.0, 66.5, 88.0, 92.0],
            "arr": [120_000.0, 50_000.0, 8_000.0, 300_000.0],
            "days_to_renewal": [20, 75, -3, None],
            "usage_rate": [20.0, 60.0, 95.0, None],
            "seat_utilization": [10.0, 70.0, 90.0, 100.0],
            att_column("usage_rate"): [0.2, 0.6, 0.95, None],
            att_column("seat_utilization"): [0.1, 0.7, 0.9, 1.0],
        }
    )


# ---- building blocks --------------------------------------------------------


def test_filters_combine_and_keep_triage_order() -> None:
    accounts = frame()
    assert filters.apply(accounts, filters.Filters()) is accounts
    assert filters.apply(accounts, filters.Filters(owners=("Dana",)))["account_id"].tolist() == ["a1", "a3"]
    assert filters.apply(accounts, filters.Filters(window="Next 30 days"))["account_id"].tolist() == ["a1"]
    assert filters.apply(accounts, filters.Filters(window=filters.PAST_RENEWAL))["account_id"].tolist() == ["a3"]
    both = filters.Filters(bands=("green",), segments=("Mid-market",))
    assert filters.apply(accounts, both)["account_id"].tolist() == ["a4"]
    assert filters.apply(accounts, filters.Filters(search="acm"))["account_id"].tolist() == ["a1", "a4"]


def test_cell_colours_follow_the_sql_attainment_and_show_gaps() -> None:
    accounts = frame()
    colours = cells.cell_colour(TECH, accounts, TECH.signal("usage_rate"))
    assert colours.tolist() == ["red", "yellow", "green", cells.NO_DATA]
    model = MODELS["traffic-light"]
    signal = model.signal("open_p1p2_tickets")
    lights = pd.DataFrame({att_column(signal.id): [1.0, 0.5, 0.0, None]})
    assert cells.cell_colour(model, lights, signal).tolist() == ["green", "yellow", "red", cells.NO_DATA]


def test_cell_bands_are_the_models_band_rule() -> None:
    model = replace(TECH, bands=Bands(green=75.0, yellow=50.0))
    points = pd.Series([100.0, 75.0, 74.9, 50.0, 49.9, 0.0, float("nan")])
    expected = [model.bands.of(p) for p in points[:-1]] + [cells.NO_DATA]
    assert (
        cells.band_of(model, points).tolist()
        == expected
        == [
            "green",
            "green",
            "yellow",
            "yellow",
            "red",
            "red",
            cells.NO_DATA,
        ]
    )


def test_account_cells_round_values_and_tell_same_named_accounts_apart() -> None:
    accounts = frame().assign(usage_rate=[20.4567, 60.0, 95.0, None])
    long = charts.account_cells(TECH, accounts)
    assert len(long) == len(accounts) * (1 + len(TECH.signals))
    assert {"Acme (a1)", "Acme (a4)"} <= set(long["Account"])
    usage = long[(long["Signal"] == "Usage rate") & (long["account_id"] == "a1")].iloc[0]
    assert (usage["Value"], usage["Colour"], usage["Order"]) == ("20%", "red", 0)
    missing = long[(long["Signal"] == "Teams or locations live") & (long["account_id"] == "a2")].iloc[0]
    assert (missing["Value"], missing["Colour"]) == ("no data", cells.NO_DATA)


def test_heatmap_templates_carry_no_data_and_a_click_selection() -> None:
    template = charts.account_template(TECH)
    assert "data" not in template and "datasets" not in template
    assert [p["name"] for p in template["params"]] == ["pick"]
    assert charts.sized(template, 10)["height"] == 10 * charts.CELL_HEIGHT
    assert "height" not in template
    assert charts.account_template(TECH) is template


def test_group_cells_average_attainment_weakest_group_first() -> None:
    long, total = charts.group_cells(TECH, frame(), "owner", limit=1)
    assert total == 2
    assert set(long["Group"]) == {"Dana"}
    seats = long[long["Signal"] == "Seat utilisation"].iloc[0]
    assert math.isclose(seats["Attainment"], 0.5)
    assert (seats["Accounts"], seats["ARR"]) == (2, "$128K")


def test_problem_sentence_names_file_column_rows_and_fix_as_plain_text() -> None:
    problem = InputProblem(
        file="*crm*.csv",
        message="Left out 2 cells that could not be read as ARR (row 3: 'lots'; row 9: '=1').",
        fix="Remove the text",
        column="ARR [USD]",
        rows=(3, 9),
        count=2,
    )
    text = sentence(problem)
    assert r"\*crm\*\.csv" in text and r"ARR \[USD\]" in text
    assert text.count("row 3") == 1 and "2 rows" not in text, "the message is shown once, not re-counted"
    assert "What to do:** Remove the text" in text


def test_plain_text_defuses_markdown_and_directives() -> None:
    assert plain("**Acme** :red[x]") == r"\*\*Acme\*\* \:red\[x\]"
    assert plain("line\nbreak") == "line break"


def test_plain_text_keeps_addresses_from_becoming_links() -> None:
    """Streamlit links bare addresses after reading escapes; an invisible word joiner inside each stops it."""
    j = "\u2060"
    assert plain("www.acme.io") == rf"www{j}\.acme\.io"
    assert plain("see https://acme.io") == rf"see https{j}\://acme\.io"
    assert plain("ops@acme.io") == rf"ops@{j}acme\.io"
    assert plain("Awww.Co and httpsql: x") == r"Awww\.Co and httpsql\: x"  # not an address: left alone


def test_money_is_short() -> None:
    assert (money(1_234_567), money(85_000), money(950), money(float("nan"))) == ("$1.2M", "$85K", "$950", "no data")


# ---- the page ---------------------------------------------------------------


@pytest.fixture
def at(db_path: Path) -> AppTest:
    return open_portfolio()


def triage(app: AppTest) -> pd.DataFrame:
    return app.dataframe(key="portfolio_triage").value


def test_demo_portfolio_shows_kpis_heatmaps_and_the_triage_list(at: AppTest) -> None:
    assert any("Showing the demo portfolio" in i.value for i in at.info)
    labels = [m.label for m in at.metric]
    assert labels == ["Red accounts", "Yellow accounts", "Green accounts", "Renewals at risk", "Newly red"]
    assert sum(int(m.value) for m in at.metric[:3]) == 300
    assert len(at.get("vega_lite_chart")) == 2
    table = triage(at)
    assert len(table) == 300
    assert table["triage_rank"].is_monotonic_increasing
    assert len(at.session_state["portfolio_accounts"]) == 300
    # Data coverage is a percentage at one decimal, as every share column shows it ('66.7%', not '66.67%').
    assert column_formats(at.dataframe(key="portfolio_triage"))["coverage"] == "%.1f%%"
    assert table["coverage"].between(0, 100).all() and table["coverage"].max() > 1
    assert not at.error


def test_filters_narrow_the_triage_list_and_say_when_nothing_is_left(at: AppTest) -> None:
    owner = at.multiselect(key="pf_owner").options[0]
    at.multiselect(key="pf_owner").set_value([owner]).run()
    rows = triage(at)
    assert 0 < len(rows) < 300 and set(rows["owner"]) == {owner}
    at.button_group(key="pf_band").set_value(["red"]).run()
    assert set(triage(at)["band"]) == {filters.BAND_WORDS["red"]}
    at.selectbox(key="pf_window").set_value("Next 90 days").run()
    assert triage(at)["days_to_renewal"].between(0, 90).all()
    at.text_input(key="pf_search").set_value("no such account anywhere").run()
    assert any("No account matches these filters" in i.value for i in at.info)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download mapping"]  # no triage list to download
    next(b for b in at.sidebar.button if "Clear" in b.label).click().run()
    assert len(triage(at)) == 300


def test_an_uploaded_crm_export_replaces_the_demo(at: AppTest) -> None:
    upload(at, ("crm.csv", CRM_CSV))
    assert not any("Showing the demo portfolio" in i.value for i in at.info)
    table = triage(at)
    assert sorted(table["account_name"]) == sorted(UPLOADED)
    assert table.set_index("account_name").loc["Quill & Co", "arr"] == 1_250_000
    assert sorted(at.session_state["portfolio_accounts"]) == sorted(UPLOADED)
    assert any("crm" in e.label for e in at.expander)
    assert not at.error
    assert any("Newly red: needs at least two months in a month or period column" in c.value for c in at.caption)


def test_one_month_of_data_asks_for_a_second_month_not_a_month_column(at: AppTest) -> None:
    """A file with a month column but one month: 'newly red' needs a second month, which the file can get."""
    upload(at, ("usage.csv", b"Account ID,Month,Usage %\nM-1,2026-11,40%\nM-2,2026-11,90%\n"))
    assert next(m for m in at.metric if m.label == "Newly red").value == "no data"
    assert any(c.value.startswith("Newly red: needs at least two months") for c in at.caption)


def test_a_broken_file_gets_a_clear_error_not_a_traceback(at: AppTest) -> None:
    upload(at, ("export.csv", b"\x00\x01\x02\xff binary junk"))
    messages = " ".join(e.value for e in at.error)
    assert "export\\.csv" in messages
    assert "What to do" in messages
    assert not at.exception
    assert any("no account could be scored" in c.value for c in at.caption)
    assert not any("Scored 0" in c.value for c in at.caption)


def test_good_rows_are_scored_next_to_a_bad_file(at: AppTest) -> None:
    upload(at, ("crm.csv", CRM_CSV), ("notes.csv", b"\x00\x01 not an export"))
    assert sorted(triage(at)["account_name"]) == sorted(UPLOADED)
    assert any("notes\\.csv" in e.value for e in at.error)


def test_uploads_and_filters_survive_a_visit_to_another_page(at: AppTest) -> None:
    upload(at, ("crm.csv", CRM_CSV))
    at.multiselect(key="pf_owner").set_value(["Ann Lee"]).run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/portfolio.py").run()
    assert any("you uploaded earlier" in i.value for i in at.info)
    assert sorted(triage(at)["account_name"]) == ["Quill & Co", "Zephyr Freight"]
    next(b for b in at.sidebar.button if "Clear" in b.label).click().run()
    next(b for b in at.button if "demo" in b.label).click().run()
    assert len(triage(at)) == 300


def scored(app: AppTest) -> pd.DataFrame:
    return app.session_state["portfolio_scored"].result.accounts


def test_a_mapping_correction_rescores_and_is_remembered(at: AppTest) -> None:
    upload(at, ("crm.csv", CRM_CSV))
    assert scored(at)["usage_rate"].notna().all()
    digest = source_of([Export("crm.csv", CRM_CSV)]).digest
    at.session_state[OVERRIDES_KEY] = {digest: {"Usage %": "ignore"}}
    at.run()
    assert scored(at)["usage_rate"].isna().all()
    assert any("ignored" in e.label for e in at.expander)

    again = run_page("pages/portfolio.py", 60)
    upload(again, ("crm.csv", CRM_CSV))
    assert any("remembered" in e.label for e in again.expander)


def test_choosing_an_account_links_to_the_scorecard_with_its_values(at: AppTest) -> None:
    second = at.selectbox(key="portfolio_pick").options[1]
    at.selectbox(key="portfolio_pick").set_value(at.session_state["portfolio_triage_ids"][1]).run()
    links = [pl.proto for pl in at.get("page_link") if pl.proto.page == "scorecard"]
    assert len(links) == 1, [pl.proto.page for pl in at.get("page_link")]
    link = links[0]
    query = parse_qs(link.query_string)
    assert query["model"] == ["technical-csm"]
    assert query["account"] == [second]
    assert set(TECH.signal_ids) <= set(query)


def test_another_model_rescores_the_same_files(at: AppTest) -> None:
    before = [m.value for m in at.metric[:3]]
    at.selectbox(key="portfolio_model").set_value("three-pillar").run()
    assert not at.exception
    assert [m.value for m in at.metric[:3]] != before
    assert any("No data for" in w.value for w in at.warning)


def test_editing_the_mapping_table_becomes_an_override() -> None:
    def script() -> None:
        import streamlit as st

        from pages.ui.portfolio.mapping import overrides, remember_edits

        st.session_state["editor"] = {"edited_rows": {1: {"Read as": "ignore"}, 2: {"Read as": "arr"}}}
        remember_edits("editor", "digest-1", ["Account ID", "Usage %", "Contract Value"])
        st.session_state["editor"] = {"edited_rows": {0: {"Read as": None}}}
        remember_edits("editor", "digest-1", ["Account ID", "Usage %", "Contract Value"])
        st.json(overrides("digest-1"))
        st.json(overrides("another-upload"))

    app = AppTest.from_function(script, default_timeout=30).run()
    assert not app.exception
    assert json.loads(app.json[0].value) == {"Account ID": "ignore", "Contract Value": "arr", "Usage %": "ignore"}
    assert json.loads(app.json[1].value) == {}


def test_an_unexpected_failure_is_a_message_not_a_traceback(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(portfolio_upload, "load_portfolio", broken)
    upload(at, ("fresh.csv", CRM_CSV + b"X-9,Brand New,Ann Lee,SMB,$1,01/01/2027,1%,1,1\n"))
    assert any("Scoring stopped unexpectedly" in e.value for e in at.error)
    assert "disk full" not in " ".join(e.value for e in at.error)


def test_scorecard_links_reproduce_every_portfolio_score_bonuses_included() -> None:
    overflowing = Export("over.csv", b"Account ID,Account Name,Usage %,Licensed Seats,Active Users\nZ,Zed,150%,10,15\n")
    rows = [
        *load_portfolio(demo_exports(), TECH).accounts.to_dict("records"),
        *load_portfolio([overflowing], TECH).accounts.to_dict("records"),
    ]
    with_bonus = 0
    for row in rows:
        link = parse_link(parse_qs(urlsplit(link_for(TECH, row)).query), MODELS, "technical-csm", [])
        assert link is not None and not link.warnings, (row["account_name"], link and link.warnings)
        with_bonus += bool(link.bonuses)
        assert score(TECH, link.values, link.bonuses).score == row["score"], row["account_name"]
    assert 0 < with_bonus < len(rows)


@pytest.mark.parametrize("kind", ["xlsx", "parquet", "tsv"])
def test_excel_parquet_and_tsv_exports_are_accepted(at: AppTest, kind: str, tmp_path: Path) -> None:
    table = pd.read_csv(io.BytesIO(CRM_CSV), dtype=str)
    path = tmp_path / f"crm.{kind}"
    if kind == "xlsx":
        table.to_excel(path, index=False)
    elif kind == "parquet":
        table.to_parquet(path, index=False)
    else:
        table.to_csv(path, sep="\t", index=False)
    upload(at, (path.name, path.read_bytes()))
    assert sorted(triage(at)["account_name"]) == sorted(UPLOADED)
    assert not at.error


# ---- sparse exports: gaps shown as gaps, too little data never banded ---------------

ONE_OF_FIVE_CSV = b"Account ID,Usage %\nS-1,95%\nS-2,40%\nS-3,72%\nS-4,10%\n"  # usage only: 30% of the weight
NEVER_SHOWN = ("None", "nan", "NaN", "$0")


def _page_text(app: AppTest) -> list[str]:
    texts = [m.label for m in app.metric] + [str(m.value) for m in app.metric]
    texts += [c.value for c in app.caption] + [m.value for m in app.markdown]
    return texts


def test_one_signal_of_five_bands_no_account(at: AppTest) -> None:
    upload(at, ("usage.csv", ONE_OF_FIVE_CSV))
    labels = [m.label for m in at.metric]
    assert "Insufficient data" in labels
    assert [m.value for m in at.metric[:3]] == ["0", "0", "0"], "no account is red, yellow or green"
    assert at.metric[labels.index("Insufficient data")].value == "4"
    assert not [d for d in at.dataframe if d.key == "portfolio_triage"], "nothing is ranked among the colours"
    assert any("Insufficient data" in h.value for h in at.subheader)
    apart = at.dataframe[-1].value
    assert sorted(apart["account_name"].astype(str)) == ["S-1", "S-2", "S-3", "S-4"]
    assert column_formats(at.dataframe[-1])["coverage"] == "%.1f%%"
    assert apart["coverage"].tolist() == [30.0] * 4, "usage carries 30% of the model's weight, shown as 30.0"
    assert any("Insufficient data: 4 accounts" in c.value for c in at.caption)


def test_sparse_kpis_say_no_data_and_which_column(at: AppTest) -> None:
    upload(at, ("usage.csv", TWO_OF_FIVE_CSV))
    assert sum(int(m.value) for m in at.metric[:3]) == 3
    shown = _page_text(at)
    for text in shown:
        for word in NEVER_SHOWN:
            assert word not in text.split() and not text.startswith(word), (word, text)
    renewals = next(m for m in at.metric if m.label == "Renewals at risk")
    assert renewals.value == "no data"
    assert any("Renewals at risk: needs a renewal date column" in c.value for c in at.caption)
    assert any("needs an ARR column" in c.value for c in at.caption)
    assert next(m for m in at.metric if m.label == "Newly red").value == "no data"
    table = triage(at)
    assert table["arr_at_risk"].isna().all(), "no ARR in the data: no ARR at risk, not $0"


def test_an_arr_column_is_never_called_missing_when_no_account_has_a_band(at: AppTest) -> None:
    """Every account unbanded: the colours hold no account and $0 of ARR, and the renewals tile says that the
    unbanded accounts renewing soon are not in its figure, instead of asking for columns the file has."""
    upload(at, ("crm.csv", UNBANDED_WITH_ARR_CSV))
    at.date_input(key="portfolio:as_of_input").set_value(date(2026, 11, 30)).run()
    captions = [c.value for c in at.caption]
    assert not any("needs an ARR column" in c for c in captions), captions
    assert captions.count("$0 ARR") == 3, "no red, yellow or green account: $0 of ARR in each"
    renewals = next(m for m in at.metric if m.label == "Renewals at risk")
    assert renewals.value == "$0"
    assert any(
        c.startswith("0 accounts renewing within 90 days; 2 with too little data for a band are not counted")
        for c in captions
    ), captions


def test_the_csv_rounds_as_the_page_shows() -> None:
    from scoring.portfolio.finish import export_table

    result = load_portfolio([Export("crm.csv", CRM_CSV)], TECH)
    table = export_table(TECH, result.accounts)
    assert (table["score"] * 10).round(9).eq((table["score"] * 10).round()).all()
    assert table["coverage"].eq(table["coverage"].round(2)).all()
    assert table["seat_utilization"].eq(table["seat_utilization"].round(0)).all()


def test_the_as_of_date_is_stated_and_can_be_set(at: AppTest) -> None:
    upload(at, ("crm.csv", CRM_CSV))
    stated = next(c.value for c in at.caption if "Day counts are measured to" in c.value)
    default = at.date_input(key="portfolio:as_of_input").value
    assert f"{default:%Y-%m-%d}" in stated and "latest month" in stated
    before = dict(zip(triage(at)["account_name"], triage(at)["days_to_renewal"], strict=True))
    at.date_input(key="portfolio:as_of_input").set_value(date(2026, 11, 20)).run()
    assert not at.exception
    assert any("measured to 2026-11-20, the date you set" in c.value for c in at.caption)
    after = dict(zip(triage(at)["account_name"], triage(at)["days_to_renewal"], strict=True))
    assert after["Zephyr Freight"] == 30  # renewal 2026-12-20
    assert after != before or default == date(2026, 11, 20)
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/portfolio.py").run()
    assert at.date_input(key="portfolio:as_of_input").value == date(2026, 11, 20), "kept across pages"
    at.button[[b.label for b in at.button].index("Use the data's date")].click().run()
    assert at.date_input(key="portfolio:as_of_input").value == default


def test_the_account_drivers_say_a_signal_without_data_is_not_counted(at: AppTest) -> None:
    """Points and 'out of' of a signal with no value read 'not counted' (its weight goes to the others),
    never an empty 'None'; the counted ones keep one decimal."""
    upload(at, ("crm.csv", UNBANDED_WITH_ARR_CSV))
    at.query_params["id"] = "U-1"
    at.switch_page("pages/account.py").run()
    assert not at.exception
    drivers = next(d.value for d in at.dataframe if "Out of" in d.value.columns).set_index("Signal")
    assert drivers.loc["Usage rate"].tolist() == ["95%", "95.0", "100.0"]  # the one signal seen: all the points
    assert drivers.loc["Seat utilisation"].tolist() == ["no data", "not counted", "not counted"]
    assert not drivers.isna().any().any()
    assert any("Signals with no data are not counted" in c.value for c in at.caption)
    # The score of an unbanded account is said to rest on part of the model, as the scorecard says it.
    assert any(w.value.startswith("Insufficient data: 30% of the model's weight seen; needs 50%.") for w in at.warning)


def test_exports_without_a_segment_say_so_beside_the_group_heatmap(at: AppTest) -> None:
    upload(at, ("usage.csv", TWO_OF_FIVE_CSV))
    assert any(
        c.value.startswith(
            "No account has a segment in these exports, so they form one group. To compare them, "
            "map a column to Segment"
        )
        for c in at.caption
    )
    long, _ = charts.group_cells(TECH, frame().assign(segment=None), "segment", limit=5, unnamed="no segment")
    assert set(long["Group"]) == {"no segment"}
