"""Every hostile export uploaded to the portfolio page (AppTest, real file_uploader).

The page must never show an exception element, must say so with st.error or
st.warning (naming the file) whenever something was set aside, must still
list the accounts the good rows produce, and must show names as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.portfolio.links import TABLE_ROWS
from pages.ui.portfolio.upload import UPLOAD_KEY
from scoring.catalog import get_model
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export
from tests.app_pages import app_on
from tests.hostile_corpus import CASES, HTML_NAMES, MODEL, Case

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120
PORTFOLIO = "pages/portfolio.py"
# Elements whose text Streamlit renders as Markdown: a name must reach them escaped.
MARKDOWN_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success", "subheader", "title")
MARKDOWN_SPECIALS = re.compile(r"[<>\[\]*`$~:]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile_app")


def upload(case: Case, corpus: Path) -> AppTest:
    at = app_on(PORTFOLIO, TIMEOUT).run()
    assert not at.exception, at.exception
    data = case.path(corpus).read_bytes()
    at.file_uploader(key=UPLOAD_KEY).set_value((case.name, data, case.mime())).run()
    return at


def alerts(at: AppTest) -> list[str]:
    return [str(e.value) for e in (*at.error, *at.warning)]


def table_names(at: AppTest) -> list[str]:
    """Account names in the triage table (the ranked one; accounts with too little data are listed apart)."""
    frames = [df.value for df in at.dataframe if {"account_name", "triage_rank"} <= set(df.value.columns)]
    assert len(frames) <= 1, [list(df.value.columns) for df in at.dataframe]
    return frames[0]["account_name"].astype(str).tolist() if frames else []


def download_label(at: AppTest) -> str:
    """The triage list's download (the page also offers the column mapping as a file)."""
    labels = [str(b.proto.label) for b in at.get("download_button")]
    lists = [label for label in labels if label != "Download mapping"]
    assert len(lists) == 1, labels
    return lists[0]


def mentions(text: str, name: str) -> bool:
    """The file name appears, allowing for Markdown escapes such as 'nan\\_inf.csv'."""
    return name in text.replace("\\", "")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_upload_on_the_portfolio_page(case: Case, corpus: Path, fresh_store: Path) -> None:
    at = upload(case, corpus)
    assert not at.exception, at.exception
    shown = alerts(at)
    if not case.scorable:
        assert at.error, f"nothing was scorable but no st.error; warnings: {shown}"
        assert any(mentions(e, case.name) for e in map(str, (x.value for x in at.error))), shown
        assert not [df for df in at.dataframe if "account_name" in df.value.columns]
        return
    if case.rejected:
        assert any(mentions(text, case.name) for text in shown), f"no error or warning names {case.name}: {shown}"
    expected = load_portfolio([Export(case.name, case.path(corpus).read_bytes())], get_model(MODEL))
    scored = expected.accounts.dropna(subset=["score"])
    assert set(case.scored) <= set(scored["account_id"]), expected.problems
    assert f"Download {len(scored):,} account" in download_label(at)
    ranked = scored[scored["band"] != "insufficient"]  # too little data: listed apart, under the triage list
    assert sorted(table_names(at)) == sorted(ranked["account_name"].head(TABLE_ROWS).astype(str))


@pytest.mark.parametrize("case", [c for c in CASES if c.names], ids=[c.name for c in CASES if c.names])
def test_names_render_as_text(case: Case, corpus: Path, fresh_store: Path) -> None:
    """Names reach the table exactly as written and never reach Markdown unescaped."""
    at = upload(case, corpus)
    assert not at.exception, at.exception
    names = table_names(at)
    for name in case.names.values():
        assert name in names
    raw = [n for n in case.names.values() if MARKDOWN_SPECIALS.search(n)]
    for kind in MARKDOWN_ELEMENTS:
        for element in getattr(at, kind):
            body = str(element.value)
            leaked = [n for n in raw if n in body]
            assert not leaked, f"{kind} shows {leaked} as live Markdown: {body[:200]}"


def test_html_names_are_checked_for_leaks() -> None:
    """The leak check above only means something if the hostile names carry Markdown/HTML syntax."""
    assert all(MARKDOWN_SPECIALS.search(name) for name in HTML_NAMES.values())


def test_no_unsafe_html_anywhere_in_the_app() -> None:
    """No page may switch off Streamlit's HTML escaping: user data would then run in the browser."""
    sources = [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]
    offenders = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for pattern in (r"unsafe_allow_html\s*=\s*True", r"\bst\.html\(", r"components\.v1\.html\("):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert len(sources) > 5
    assert not offenders, offenders
