"""The issue categories, read from TOML: the routing rules are data, so changing a team's needs is a text edit."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from scoring.catalog import CatalogError, read_toml
from scoring.diagnosis.model import Category

CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "catalog" / "issue_categories.toml"


def parse_categories(data: dict[str, object], source: str) -> dict[str, Category]:
    """Categories keyed by id, in file order; CatalogError names the entry and field that is wrong."""
    entries = data.get("categories")
    if not isinstance(entries, list) or not entries:
        raise CatalogError(source, "categories", "needs at least one [[categories]] table")
    found: dict[str, Category] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"categories #{n}"
        if not isinstance(entry, dict):
            raise CatalogError(source, where, "must be a table")
        texts = {}
        for field in ("id", "name", "routes_to", "needs", "resource"):
            value = entry.get(field, "")
            if not isinstance(value, str) or (field != "resource" and not value.strip()):
                raise CatalogError(source, f"{where}.{field}", "must be a non-empty string")
            texts[field] = value.strip()
        template = entry.get("template", [])
        if not isinstance(template, list) or not all(isinstance(t, str) and t.strip() for t in template):
            raise CatalogError(source, f"{where}.template", "must be a list of headings")
        health = entry.get("health", False)
        if not isinstance(health, bool):
            raise CatalogError(source, f"{where}.health", "must be true or false")
        if texts["id"] in found:
            raise CatalogError(source, f"{where}.id", f"id {texts['id']!r} is used twice")
        found[texts["id"]] = Category(
            id=texts["id"],
            name=texts["name"],
            routes_to=texts["routes_to"],
            needs=texts["needs"],
            resource=texts["resource"],
            template=tuple(t.strip() for t in template),
            health=health,
        )
    return found


@cache
def categories() -> dict[str, Category]:
    """The shipped categories, keyed by id; loaded once per process."""
    return parse_categories(read_toml(CATEGORIES_FILE), CATEGORIES_FILE.name)


def category(category_id: str) -> Category | None:
    return categories().get(category_id)
