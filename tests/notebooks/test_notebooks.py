"""The notebooks in notebooks/: each runs top to bottom in a fresh kernel without an error, is
listed in notebooks/README.md, and is committed without outputs."""

import json
import os
import re
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell: generous, since the test machine may be busy
ANSI_COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # IPython colours its tracebacks


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, cell) for i, cell in enumerate(cells) if cell["cell_type"] == "code"]


def test_notebooks_exist():
    assert len(NOTEBOOKS) >= 5, f"expected the notebooks in {NOTEBOOK_DIR}, found {NOTEBOOKS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_error(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    # The kernel is a subprocess and inherits this environment: no plot windows, and the
    # minikeras of this checkout even when it is not installed.
    monkeypatch.setenv("MPLBACKEND", "Agg")
    repo = str(NOTEBOOK_DIR.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [repo] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))

    notebook = nbformat.read(path, as_version=4)
    running = {}
    client = nbclient.NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # files the notebook writes go here
        on_cell_execute=lambda cell, cell_index: running.update(index=cell_index, cell=cell),
    )
    try:
        client.execute()
        failure = None
    except Exception as error:  # CellExecutionError, CellTimeoutError, DeadKernelError, ...
        failure = f"{type(error).__name__}: {ANSI_COLOURS.sub('', str(error))}"
    if failure is not None:  # failed outside the except block: no chained traceback noise
        cell = running.get("cell")
        where = (f"cell {running['index']} (counting from 0):\n{cell.source}" if cell is not None
                 else "before the first cell (kernel start)")
        pytest.fail(f"{path.name} failed in {where}\n\n{failure}", pytrace=False)


def test_every_notebook_is_listed_in_the_readme():
    readme = (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\(([\w.-]+\.ipynb)\)", readme))
    missing = [p.name for p in NOTEBOOKS if p.name not in listed]
    assert not missing, f"notebooks/README.md does not list {missing}; add a line for each."
    stale = sorted(listed - {p.name for p in NOTEBOOKS})
    assert not stale, f"notebooks/README.md lists {stale}, which are not in notebooks/."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    dirty = [i for i, cell in code_cells(path)
             if cell.get("outputs") or cell.get("execution_count") is not None]
    assert not dirty, (
        f"{path.name}: code cells {dirty} hold outputs or execution counts. Clear them before "
        f"committing, e.g. `jupyter nbconvert --clear-output --inplace {path.name}`."
    )
