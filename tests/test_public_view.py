"""The public documents are built from the year's public view alone: plain frozen data with
no workbook, no connection and nothing flagged never-publish in it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pytest
from conftest import DEMO_PASSPHRASE

from opcc_desktop.documents import annual_equality, performance_update
from opcc_desktop.figures.public_view import PublicView, public_view
from opcc_desktop.store.workbook import Workbook


@pytest.fixture
def demo(demo_path):
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        yield book


def everything_in(value: object, seen: set[int] | None = None):
    """Every object reachable from ``value`` through fields, mappings and sequences."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from everything_in(getattr(value, field.name), seen)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from everything_in(key, seen)
            yield from everything_in(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from everything_in(item, seen)


def test_the_view_holds_no_workbook_and_no_connection(demo) -> None:
    view = public_view(demo, "annual-equality", "2021/22")
    kinds = {type(v).__module__.split(".")[0] for v in everything_in(view)}
    assert not any(isinstance(v, Workbook) for v in everything_in(view))
    assert "sqlcipher3" not in kinds and "sqlite3" not in kinds and "sqlite_utils" not in kinds
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.plan = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        view.services[0]["name"] = "changed"  # type: ignore[index]


def test_never_publish_items_are_not_in_the_view(demo) -> None:
    hidden = {r["name"] for r in demo.rows("SELECT name FROM schemes WHERE never_publish = 1 UNION ALL "
                                           "SELECT name FROM services WHERE never_publish = 1")}  # fmt: skip
    assert hidden  # the demo has a never-publish scheme
    view = public_view(demo, "performance-update", "2021/22", 4)
    texts = {v for v in everything_in(view) if isinstance(v, str)}
    assert not any(name in text for name in hidden for text in texts)


def test_a_document_rendered_from_the_view_is_the_document(demo) -> None:
    view = public_view(demo, "annual-equality", "2021/22")
    assert isinstance(view, PublicView)
    assert annual_equality.render(view).to_bytes() == annual_equality.build(demo, "2021/22").to_bytes()
    update = public_view(demo, "performance-update", "2021/22", 2)
    assert performance_update.render(update, 2).to_bytes() == performance_update.build(demo, "2021/22", 2).to_bytes()
