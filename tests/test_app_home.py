"""The home page: one card per page, and where the checklists stand today."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta
from pathlib import Path

from scoring.checklists import PlanRecord, checklists_of_kind, plan_id
from scoring.db import Store
from tests.app_pages import ROOT, run_page, texts

HOME = "app.py"  # the home page is the default page; its links need the navigation app.py declares

RAMP = checklists_of_kind("ramp")[0]


def _plan(store: Store, subject: str, start: date) -> None:
    store.create_plan(PlanRecord(plan_id(RAMP.id, subject), RAMP.id, subject, start, "Ana", datetime.now()))


def test_cards_say_how_many_plans_need_attention(fresh_store: Path) -> None:
    store = Store(fresh_store)
    _plan(store, "Late Starter", date.today() - timedelta(days=45))  # nothing ticked, the first 30 days are over
    _plan(store, "New Hire", date.today() - timedelta(days=5))
    store.close()
    captions = texts(run_page(HOME).caption)
    assert "2 plans: 1 behind, 1 on track." in captions, captions
    assert "No plans yet." in captions, "the onboarding card has none"


def test_an_empty_database_shows_no_plans_on_either_card(fresh_store: Path) -> None:
    captions = texts(run_page(HOME).caption)
    assert captions.count("No plans yet.") == 2


def test_home_has_a_card_linking_to_every_other_page(fresh_store: Path) -> None:
    """A new user meets every page from home, not only the ones the first cards were written for."""
    at = run_page(HOME)
    linked = {pl.proto.page for pl in at.get("page_link")}
    pages = {p.stem for p in (ROOT / "pages").glob("*.py") if p.name not in ("__init__.py", "home.py")}
    assert linked == pages
    assert [h.value for h in at.header] == ["Accounts", "Checklists"], "grouped as the sidebar groups them"


def test_every_page_url_is_its_file_name() -> None:
    """A fresh server knows pages by file name until app.py has run once (see pages/ui/common/shell.py).

    A page whose URL differed from its file name (``pages/revenue.py`` at
    ``/renewals``) opened as a server's first request under Streamlit's "Page
    not found" dialog.
    """
    tree = ast.parse((ROOT / "app.py").read_text())
    pages = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"
    ]
    declared = {Path(ast.literal_eval(page.args[0])) for page in pages}
    assert declared == {p.relative_to(ROOT) for p in (ROOT / "pages").glob("*.py") if p.name != "__init__.py"}, (
        "every page script is declared"
    )
    for page in pages:
        file = Path(ast.literal_eval(page.args[0]))
        url = {k.arg: ast.literal_eval(k.value) for k in page.keywords}.get("url_path")
        defaulted = any(k.arg == "default" for k in page.keywords)
        assert url == file.stem or (url is None and defaulted), (file, url)
