"""Readable lookups for the checklist page AppTests (opening a page is ``tests.app_pages``)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)
