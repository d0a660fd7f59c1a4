"""The what-if scorecard page, driven through Streamlit's AppTest."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import streamlit as st
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Slider

from pages.ui.common.keys import AUTHOR_INPUT_KEY
from pages.ui.scorecard.keys import BACK_KEY, HERE_KEY, MODEL_KEY, bonus_key, event_key, missing_key, signal_key
from scoring.catalog import get_model, with_weights
from scoring.db import Store
from scoring.model_toml import load_model_text
from scoring.scorecard_link import scorecard_link
from tests.identity_app import give_name
from tests.servers import ROOT
from tests.test_engine import ACME, TECHNICAL

PAGE = "pages/scorecard.py"
TIMEOUT = 30


@pytest.fixture(autouse=True)
def fresh_caches(db_path: Path) -> Iterator[None]:
    """Each test opens its own database: drop the process-wide store and cached reads."""
    st.cache_resource.clear()
    st.cache_data.clear()
    gc.collect()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()
    gc.collect()


def page(query: Mapping[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(ROOT / PAGE, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, at.exception
    return at


def score_text(at: AppTest) -> str:
    return at.metric[0].value


def band_text(at: AppTest) -> str:
    badges = [m.value for m in at.markdown if "-badge[" in m.value and "·" in m.value]
    return badges[0]


def slider(at: AppTest, model_id: str, signal_id: str) -> Slider[float]:
    return at.slider(key=signal_key(model_id, signal_id))


def first_action(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(":material/flag:"))


def test_defaults_show_the_seed_account() -> None:
    at = page()
    assert at.selectbox(key=MODEL_KEY).value == "technical-csm"
    assert {s.key: s.value for s in at.slider} == {signal_key("technical-csm", sid): v for sid, v in TECHNICAL.items()}
    assert score_text(at) == "76.0"
    assert "Yellow" in band_text(at)
    assert at.metric[0].delta == "0.0"


def test_sliders_show_weight_and_help() -> None:
    at = page()
    usage = slider(at, "technical-csm", "usage_rate")
    assert "30%" in usage.label
    assert usage.help and "contracted usage" in usage.help
    assert "lower is better" in slider(at, "technical-csm", "override_rate").label


def test_a_slider_change_moves_score_band_and_actions() -> None:
    at = page()
    assert "yellow band" in first_action(at)
    slider(at, "technical-csm", "usage_rate").set_value(100).run()
    assert score_text(at) == "80.5"
    assert at.metric[0].delta == "4.5"
    assert "Green" in band_text(at)
    assert "green band" in first_action(at)
    assert any("Check in monthly" in m.value for m in at.markdown)
    slider(at, "technical-csm", "usage_rate").set_value(10).run()
    slider(at, "technical-csm", "seat_utilization").set_value(10).run()
    assert "Red" in band_text(at)
    assert "red band" in first_action(at)
    assert any("Check in weekly" in m.value for m in at.markdown)
    assert any("Low adoption playbook" in e.label for e in at.expander)


def test_the_roi_toggle_adds_the_bonus() -> None:
    at = page()
    at.toggle(key=bonus_key("technical-csm", "roi_articulated")).set_value(True).run()
    assert score_text(at) == "86.0"
    assert "Green" in band_text(at)


def test_an_event_toggle_fires_its_playbook() -> None:
    at = page()
    assert not any("Competitor" in e.label for e in at.expander)
    at.toggle(key=event_key("competitor_evaluation")).set_value(True).run()
    assert any("Competitor evaluation playbook" in e.label for e in at.expander)


def test_reset_returns_to_the_defaults() -> None:
    at = page()
    slider(at, "technical-csm", "usage_rate").set_value(20).run()
    at.toggle(key=bonus_key("technical-csm", "roi_articulated")).set_value(True).run()
    assert score_text(at) != "76"
    at.button(key=HERE_KEY).click().run()
    assert slider(at, "technical-csm", "usage_rate").value == 85
    assert not at.toggle(key=bonus_key("technical-csm", "roi_articulated")).value
    assert score_text(at) == "76.0"


def test_switching_models_keeps_each_models_sliders() -> None:
    at = page()
    slider(at, "technical-csm", "usage_rate").set_value(50).run()
    at.selectbox(key=MODEL_KEY).set_value("three-pillar").run()
    assert score_text(at) == "84.0"
    assert "Green" in band_text(at)
    assert [c.value for c in at.caption if c.value in ("By pillar", "By signal")] == ["By pillar", "By signal"]
    at.selectbox(key=MODEL_KEY).set_value("technical-csm").run()
    assert slider(at, "technical-csm", "usage_rate").value == 50


def test_missing_signals_are_left_out_and_coverage_shown() -> None:
    at = page()
    at.multiselect(key=missing_key("technical-csm")).set_value(["teams_live", "override_rate"]).run()
    assert slider(at, "technical-csm", "teams_live").disabled
    # (85*30 + 60*20 + 70*20) / 70
    assert score_text(at) == "73.6"
    assert any("Scored on 3 of 5 signals" in c.value for c in at.caption)


def test_a_deep_link_sets_the_sliders_and_the_account() -> None:
    at = page(
        {
            "model": "technical-csm",
            "usage_rate": "40",
            "seat_utilization": "55",
            "bonus": "roi_articulated",
            "account": "Acme Corp",
        }
    )
    assert slider(at, "technical-csm", "usage_rate").value == 40
    assert slider(at, "technical-csm", "seat_utilization").value == 55
    assert slider(at, "technical-csm", "teams_live").value == 75
    assert at.toggle(key=bonus_key("technical-csm", "roi_articulated")).value
    assert any(t.value == "Account: Acme Corp" for t in at.text)
    assert at.metric[0].delta == "0.0"
    assert not at.warning
    slider(at, "technical-csm", "usage_rate").set_value(50).run()
    assert at.metric[0].delta == "3.0"
    assert slider(at, "technical-csm", "usage_rate").value == 50, "the link is applied once, not on every rerun"
    at.button(key=BACK_KEY).click().run()
    assert slider(at, "technical-csm", "usage_rate").value == 40


def test_the_portfolio_link_helper_round_trips() -> None:
    values = dict(ACME) | {"nps_score": None, "login_frequency": 3.5}
    link = scorecard_link("three-pillar", values, [], "Beta & Co")
    assert link.startswith("/scorecard?model=three-pillar&")
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(urlsplit(link).query):
        query.setdefault(name, []).append(value)
    at = page(query)
    assert at.selectbox(key=MODEL_KEY).value == "three-pillar"
    assert slider(at, "three-pillar", "login_frequency").value == 3.5
    assert at.multiselect(key=missing_key("three-pillar")).value == ["nps_score"]
    assert any(t.value == "Account: Beta & Co" for t in at.text)


def test_bad_link_parameters_warn_and_never_crash() -> None:
    at = page(
        {
            "model": "technical-csm",
            "usage_rate": "lots",
            "seat_utilization": "250",
            "bogus": "1",
            "bonus": "free_money",
            "event": "meteor",
        }
    )
    warning = at.warning[0].value
    for shown in ("`usage_rate=lots`", "`seat_utilization=250`", "`bogus`", "`bonus=free_money`", "`event=meteor`"):
        assert shown in warning
    assert slider(at, "technical-csm", "usage_rate").value == 85
    assert score_text(at) == "76.0"


def test_an_unknown_model_in_a_link_falls_back() -> None:
    at = page({"model": "no-such-model", "usage_rate": "40"})
    assert "no-such-model" in at.warning[0].value
    assert at.selectbox(key=MODEL_KEY).value == "technical-csm"
    assert slider(at, "technical-csm", "usage_rate").value == 40


def test_link_text_in_a_warning_is_quoted_never_rendered() -> None:
    at = page({"![x](https://evil.example/t.png)": "1", "usage_rate": "`9`[a](https://evil.example)"})
    warning = at.warning[0].value
    assert "`![x](https://evil.example/t.png)`" in warning
    assert "`usage_rate='9'[a](https://evil.example)`" in warning


def test_the_account_name_is_plain_text() -> None:
    at = page({"account": "**Bold** [x](javascript:alert(1)) <b>hi</b>"})
    assert any(t.value == "Account: **Bold** [x](javascript:alert(1)) <b>hi</b>" for t in at.text)
    assert not any("javascript" in m.value for m in at.markdown)


def test_what_it_takes_lists_the_levers() -> None:
    at = page()
    table = at.dataframe[-1].value
    needed = dict(zip(table["Signal"], table["Needed"], strict=True))
    assert needed["Usage rate"] == "99% (+14 percentage points)"
    assert needed["Seat utilisation"] == "80% (+20 percentage points)"
    assert needed["Teams or locations live"] == "can't alone"
    # On the page's full width, not in half of it, where "Needed" was cut off and "Score then" hidden.
    assert not any(table.equals(frame.value) for column in at.columns for frame in column.dataframe)
    at.toggle(key=bonus_key("technical-csm", "roi_articulated")).set_value(True).run()
    assert "Can slip to" in at.dataframe[-1].value.columns


def save_custom(at: AppTest, name: str, weights: dict[str, float], who: str | None = "Ana Diaz") -> AppTest:
    """Fill the custom-model form and save; ``who`` first gives the sidebar the author's name, if it asks."""
    if who and any(t.key == AUTHOR_INPUT_KEY for t in at.sidebar.text_input):
        give_name(at, who)
    at.text_input(key="custom:name").input(name)
    model_id = at.selectbox(key=MODEL_KEY).value
    for group_id, weight in weights.items():
        at.number_input(key=f"custom:{model_id}:w:{group_id}").set_value(weight)
    next(b for b in at.button if b.label == "Save custom model").click().run()
    assert not at.exception, at.exception
    return at


def test_a_saved_custom_model_persists_in_the_database(db_path: Path) -> None:
    at = page()
    at.selectbox(key=MODEL_KEY).set_value("three-pillar").run()
    save_custom(at, "Outcome heavy", {"product": 20, "relationship": 20, "outcomes": 60})
    assert at.selectbox(key=MODEL_KEY).value == "custom-outcome-heavy"
    assert "Saved custom model “Outcome heavy”" in at.toast[0].value
    shares = at.dataframe[-1].value
    assert list(shares["Share of score (%)"]) == pytest.approx([20, 20, 60])
    # Acme with outcomes at 60%: 0.2*87.5 + 0.2*80 + 0.6*83.33 = 83.5
    assert score_text(at) == "83.5"

    st.cache_resource.clear()
    st.cache_data.clear()
    gc.collect()
    fresh = page()
    assert "Outcome heavy (custom)" in fresh.selectbox(key=MODEL_KEY).options
    fresh.selectbox(key=MODEL_KEY).set_value("custom-outcome-heavy").run()
    assert score_text(fresh) == "83.5"
    st.cache_resource.clear()
    gc.collect()
    saved = Store(db_path)
    try:
        assert [(m.id, m.name, m.base_model, m.saved_by) for m in saved.custom_models()] == [
            ("custom-outcome-heavy", "Outcome heavy", "three-pillar", "Ana Diaz")
        ]
    finally:
        saved.close()


def test_the_weight_boxes_give_each_groups_share_as_every_share_reads(db_path: Path) -> None:
    at = page()
    at.selectbox(key=MODEL_KEY).set_value("three-pillar").run()
    save_custom(at, "Even thirds", {"product": 1, "relationship": 1, "outcomes": 1})
    model_id = at.selectbox(key=MODEL_KEY).value
    assert model_id == "custom-even-thirds"
    assert at.number_input(key=f"custom:{model_id}:w:outcomes").help == "Now 33.3% of the score."


def test_custom_model_names_are_validated() -> None:
    at = page()
    save_custom(at, "   ", {})
    assert "Give the custom model a name" in at.error[0].value
    save_custom(at, "Technical CSM scorecard", {})
    assert "preset" in at.error[0].value
    save_custom(at, "All zero", {sid: 0 for sid in TECHNICAL})
    assert "above zero" in at.error[0].value
    save_custom(at, "[click](https://evil.example)", {})
    assert "only letters" in at.error[0].value
    assert at.selectbox(key=MODEL_KEY).value == "technical-csm"


def test_a_custom_model_can_be_deleted() -> None:
    at = page()
    save_custom(
        at,
        "Usage only",
        {"usage_rate": 100, "seat_utilization": 0, "teams_live": 0, "override_rate": 0, "csm_responsiveness": 0},
    )
    assert at.selectbox(key=MODEL_KEY).value == "custom-usage-only"
    assert score_text(at) == "85.0"
    at.button(key="custom:delete").click().run()
    assert at.selectbox(key=MODEL_KEY).value == "technical-csm"
    assert "Usage only (custom)" not in at.selectbox(key=MODEL_KEY).options
    assert score_text(at) == "76.0"


def test_the_page_inside_the_app_keeps_values_across_a_page_switch() -> None:
    at = AppTest.from_file(ROOT / "app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    slider(at, "technical-csm", "usage_rate").set_value(42).run()
    at.switch_page("pages/home.py").run()
    at.switch_page(PAGE).run()
    assert slider(at, "technical-csm", "usage_rate").value == 42


def test_a_link_applies_on_each_arrival_not_on_each_rerun() -> None:
    at = AppTest.from_file(ROOT / "app.py", default_timeout=TIMEOUT)
    at.run()
    at.query_params["usage_rate"] = "33"
    at.switch_page(PAGE).run()
    assert slider(at, "technical-csm", "usage_rate").value == 33
    slider(at, "technical-csm", "usage_rate").set_value(60).run()
    assert slider(at, "technical-csm", "usage_rate").value == 60
    at.switch_page("pages/home.py").run()
    at.query_params.clear()
    at.query_params["usage_rate"] = "33"  # the address bar now says 60; follow the original link again
    at.switch_page(PAGE).run()
    assert slider(at, "technical-csm", "usage_rate").value == 33, "following the same link again reopens its values"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, str, str | None]]:
    """(data, mime type, file name) of every file a run hands to Streamlit for download."""
    seen: list[tuple[bytes, str, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(
        storage: MemoryMediaFileStorage,
        data: str | bytes,
        mimetype: str,
        kind: MediaFileKind,
        filename: str | None = None,
    ) -> str:
        seen.append((data if isinstance(data, bytes) else data.encode(), mimetype, filename))
        return original(storage, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def model_download(at: AppTest, downloads: list[tuple[bytes, str, str | None]]) -> tuple[str, str]:
    """The model download the last run offered: (file name, text)."""
    button = next(b for b in at.get("download_button") if b.proto.label == "Download model as TOML")
    assert "python -m scoring portfolio" in button.proto.help
    data, _, name = [d for d in downloads if d[1] == "application/toml"][-1]
    assert name is not None
    return name, data.decode("utf-8")


def test_the_selected_preset_downloads_as_toml(downloads: list[tuple[bytes, str, str | None]]) -> None:
    at = page()
    name, text = model_download(at, downloads)
    assert name == "technical-csm.toml"
    assert load_model_text(text, name) == get_model("technical-csm")
    at.selectbox(key=MODEL_KEY).set_value("traffic-light").run()
    name, text = model_download(at, downloads)
    assert name == "traffic-light.toml"
    assert load_model_text(text, name) == get_model("traffic-light")


def test_a_custom_model_downloads_with_its_weights(downloads: list[tuple[bytes, str, str | None]]) -> None:
    at = page()
    at.selectbox(key=MODEL_KEY).set_value("three-pillar").run()
    save_custom(at, "Outcome heavy", {"product": 20, "relationship": 20, "outcomes": 60})
    assert at.selectbox(key=MODEL_KEY).value == "custom-outcome-heavy"
    name, text = model_download(at, downloads)
    assert name == "custom-outcome-heavy.toml"
    expected = with_weights(
        get_model("three-pillar"),
        {"product": 20, "relationship": 20, "outcomes": 60},
        "custom-outcome-heavy",
        "Outcome heavy",
    )
    assert load_model_text(text, name, custom=True) == expected


# ---- the address bar follows the page; saved models name their author --------------------------


def test_a_slider_change_is_written_to_the_address_bar() -> None:
    at = page()
    assert at.query_params == {}, "an untouched page keeps a bare address"
    slider(at, "technical-csm", "usage_rate").set_value(42).run()
    assert at.query_params["model"] == "technical-csm"
    assert at.query_params["usage_rate"] == "42"
    at.toggle(key=bonus_key("technical-csm", "roi_articulated")).set_value(True).run()
    assert at.query_params["bonus"] == "roi_articulated"
    at.selectbox(key=MODEL_KEY).set_value("three-pillar").run()
    assert at.query_params["model"] == "three-pillar"
    assert "usage_rate" not in at.query_params, "only the model on screen is in the address"


def test_a_reload_shows_what_was_on_screen_not_the_link_it_opened_with() -> None:
    at = page({"usage_rate": "33", "account": "Acme Corp"})
    slider(at, "technical-csm", "usage_rate").set_value(61).run()
    on_screen = score_text(at)
    assert at.query_params["usage_rate"] == "61"
    assert at.query_params["account"] == "Acme Corp"

    reloaded = page(at.query_params)
    assert slider(reloaded, "technical-csm", "usage_rate").value == 61
    assert score_text(reloaded) == on_screen
    assert any(t.value == "Account: Acme Corp" for t in reloaded.text)


def test_back_to_the_linked_values_still_means_the_link_the_session_opened_with() -> None:
    at = page({"usage_rate": "33"})
    slider(at, "technical-csm", "usage_rate").set_value(70).run()
    assert at.query_params["usage_rate"] == "70"
    at.button(key=BACK_KEY).click().run()
    assert slider(at, "technical-csm", "usage_rate").value == 33
    assert at.query_params["usage_rate"] == "33", "and the address follows the page back"


def test_ignored_link_parameters_leave_the_address_once_the_page_moves() -> None:
    at = page({"usage_rate": "33", "nonsense": "1"})
    assert any("nonsense" in w.value for w in at.warning)
    slider(at, "technical-csm", "usage_rate").set_value(34).run()
    assert "nonsense" not in at.query_params
    assert not any("nonsense" in w.value for w in at.warning)


def test_saving_before_giving_a_name_waits_for_it_then_records_it(db_path: Path) -> None:
    at = page()
    save_custom(at, "Usage first", {"usage_rate": 80}, who=None)
    assert any("Not saved yet" in w.value and "Usage first" in w.value for w in at.warning)
    assert at.selectbox(key=MODEL_KEY).value == "technical-csm", "nothing saved without an author"
    give_name(at, "Dana Lee")
    assert at.selectbox(key=MODEL_KEY).value == "custom-usage-first", "the waiting save went through"
    assert not any("Not saved yet" in w.value for w in at.warning)
    st.cache_resource.clear()
    gc.collect()
    saved = Store(db_path)
    try:
        assert [(m.id, m.saved_by) for m in saved.custom_models()] == [("custom-usage-first", "Dana Lee")]
    finally:
        saved.close()


def test_a_signed_in_user_is_the_author_without_being_asked(db_path: Path) -> None:
    at = AppTest.from_file(ROOT / PAGE, default_timeout=TIMEOUT)
    at.user = {"is_logged_in": True, "name": "Sam Ortiz", "email": "sam@example.com"}
    at.run()
    assert not any(t.key == AUTHOR_INPUT_KEY for t in at.sidebar.text_input), "no name box when signed in"
    assert any("Signed in as Sam Ortiz" in c.value for c in at.sidebar.caption)
    save_custom(at, "Usage first", {"usage_rate": 80}, who=None)
    st.cache_resource.clear()
    gc.collect()
    saved = Store(db_path)
    try:
        assert [m.saved_by for m in saved.custom_models()] == ["Sam Ortiz"]
    finally:
        saved.close()


def test_too_little_data_shows_insufficient_not_a_colour() -> None:
    at = page({"model": "technical-csm", "usage_rate": "95"})
    at.multiselect(key=missing_key("technical-csm")).set_value(
        ["seat_utilization", "teams_live", "override_rate", "csm_responsiveness"]
    ).run()
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert any("Insufficient data" in b for b in badges), badges
    assert not any("Green" in b or "Yellow" in b or "Red ·" in b for b in badges)
    assert any("Insufficient data: 30% of the model's weight seen; needs 50%." in w.value for w in at.warning)


def test_what_it_takes_has_a_row_for_every_signal() -> None:
    at = page()
    assert list(at.dataframe[-1].value["Signal"]) != []
    assert len(at.dataframe[-1].value) == 5  # every signal of technical-csm, none cut off


def test_the_bonus_bar_names_the_bonus_as_the_account_page_and_the_pack_do() -> None:
    from pages.ui.scorecard.charts import signal_frame
    from scoring.engine import score

    model = get_model("technical-csm")
    frame = signal_frame(model, score(model, model.defaults(), ["roi_articulated"]))
    assert "Bonus: Customer can state their ROI" in set(frame.iloc[:, 0])
