"""The KPIs tab edits the structure, driven as an officer would: a strategic outcome, a group
and a KPI added to an empty workbook; on the demo a derived KPI (a sum) whose figures are
computed and printed in the update; a refusal shown in the dialog; renames and deletes; each
one undoable edit, undo restoring the file exactly."""

from __future__ import annotations

import pytest
from conftest import PASSPHRASE, dump
from pypdf import PdfReader
from ui_support import tab_opener

from opcc_desktop.areas import kpis
from opcc_desktop.documents.export import export_report
from ui.kpi_structure import KpiDialog
from ui.tabs.kpis import KpisTab

YEAR = "2021/22"


@pytest.fixture
def open_tab(qtbot):
    yield from tab_opener(qtbot, KpisTab)



@pytest.fixture
def answer(monkeypatch):
    """The dialogs' answers: names in turn, yes to a delete, and a KPI dialog filled by a test."""
    names: list[str] = []
    fill: list = []

    def run(self, dialog: KpiDialog) -> None:
        fill.pop(0)(dialog)

    from ui.kpi_structure import StructureActions

    monkeypatch.setattr(StructureActions, "ask_name", lambda self, caption, current: names.pop(0))
    monkeypatch.setattr(StructureActions, "confirm_delete", lambda self, question: True)
    monkeypatch.setattr(StructureActions, "run", run)
    return names, fill


def keys(tab) -> list[str]:
    found = []

    def walk(parent) -> None:
        for row in range(tab.tree_model.rowCount(parent)):
            index = tab.tree_model.index(row, 0, parent)
            found.append(str(index.data(256)))
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return found


def pick(tab, key: str) -> None:
    from PySide6.QtCore import Qt

    found = tab.tree_model.match(tab.tree_model.index(0, 0), 256, key, 1,
                                 Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)  # fmt: skip
    tab.tree.setCurrentIndex(found[0])


def test_an_empty_workbook_gets_an_outcome_a_group_and_a_kpi(open_tab, wb, context, answer) -> None:
    names, fill = answer
    context.attach(wb, PASSPHRASE)
    tab = open_tab(context)
    before = dump(wb)
    names += ["Safer streets", "Public contact"]
    tab.structure.add_outcome()
    assert tab.stack.currentIndex() == 1 and keys(tab) == ["outcome:1"]
    pick(tab, "outcome:1")
    tab.structure.add_group()
    pick(tab, "group:1")

    def kpi(dialog: KpiDialog) -> None:
        dialog.name.setText("Number of 999 calls received")
        dialog.save()
        assert dialog.result() == dialog.DialogCode.Accepted

    fill.append(kpi)
    tab.structure.add_kpi()
    assert keys(tab) == ["outcome:1", "group:1", "kpi:1"]
    assert context.undo_stack.count() == 3
    for _ in range(3):
        context.undo_stack.undo()
    assert dump(wb) == before


def test_a_derived_kpi_is_computed_and_printed(open_tab, demo, answer, tmp_path) -> None:
    names, fill = answer
    tab = open_tab(demo)
    tab.refresh()
    tree = demo.read(kpis.kpi_tree)
    calls = [k for k in tree if k["name"] in ("Number of 999 calls received", "Number of non 999 calls received")]
    assert len(calls) == 2
    pick(tab, f"kpi:{calls[0]['id']}")
    before = dump(demo.wb)

    def derived(dialog: KpiDialog) -> None:
        dialog.name.setText("All calls received")
        dialog.kind.setCurrentIndex(1)  # the sum of other KPIs
        for row in range(dialog.inputs.count()):
            item = dialog.inputs.item(row)
            item.setSelected(item.text() in {k["name"] for k in calls})
        dialog.save()
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()

    fill.append(derived)
    tab.structure.add_kpi()
    made = next(k for k in demo.read(kpis.kpi_tree) if k["name"] == "All calls received")
    assert made["derived_kind"] == "sum" and demo.read(kpis.kpi_inputs, made["id"]) == [c["id"] for c in calls]
    out = export_report(demo.wb, "performance-update", YEAR, 4, tmp_path / "update.pdf")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages)
    assert "All calls received" in text and "78,403" in text  # 25,945 + 52,458 in Q4 2021/22
    demo.undo_stack.undo()
    assert dump(demo.wb) == before


def test_a_refused_kpi_says_why_in_the_dialog_and_changes_nothing(open_tab, demo, answer) -> None:
    names, fill = answer
    tab = open_tab(demo)
    tab.refresh()
    group = demo.read(kpis.kpi_tree)[0]["group_id"]
    pick(tab, f"group:{group}")
    before = dump(demo.wb)

    def ratio_of_one(dialog: KpiDialog) -> None:
        dialog.name.setText("A ratio of one thing")
        dialog.kind.setCurrentIndex(2)
        dialog.inputs.item(0).setSelected(True)
        dialog.save()
        assert dialog.result() != dialog.DialogCode.Accepted and "numerator and a denominator" in dialog.error.text()

    fill.append(ratio_of_one)
    tab.structure.add_kpi()
    assert dump(demo.wb) == before


def test_rename_and_delete_an_outcome(open_tab, demo, answer) -> None:
    names, fill = answer
    tab = open_tab(demo)
    tab.refresh()
    outcome = demo.read(kpis.kpi_structure)[0]["outcome_id"]
    before = dump(demo.wb)
    pick(tab, f"outcome:{outcome}")
    names.append("Safer communities")
    tab.structure.edit()
    assert demo.read(kpis.kpi_structure)[0]["outcome"] == "Safer communities"
    pick(tab, f"outcome:{outcome}")
    tab.structure.delete()
    assert f"outcome:{outcome}" not in keys(tab)
    demo.undo_stack.undo()
    demo.undo_stack.undo()
    assert dump(demo.wb) == before
