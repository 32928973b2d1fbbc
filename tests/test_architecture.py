"""The layers of ARCHITECTURE.md hold: no module imports itself back through others.

The layer contracts themselves are checked by import-linter in scripts/test (pyproject.toml).
"""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("followup_mailer")
    cycles = [
        (module, imported)
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


def test_no_module_is_over_300_lines() -> None:
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "followup_mailer"
    long = {
        str(path.relative_to(package)): count
        for path in package.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert long == {}
