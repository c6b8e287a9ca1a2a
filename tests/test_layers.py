"""Layers only look down: every import in pyinit/ goes to its own package or to a lower layer
(``pyinit/__init__.py`` lists them), never sideways or up; and no private numpy module is used.

Read from the source (every import statement, also those inside functions), not by importing."""

import ast
from pathlib import Path

import pyinit

PACKAGE = Path(pyinit.__file__).parent
LAYERS = [
    {"__init__", "errors", "seeding", "content", "rules"},  # the foundation: may import each other
    {"core"},
    {"training"},
    {"analysis", "settings"},
    {"api"},
    {"web", "figures"},
    {"bench"},  # times the core and the lab's sessions (web.lab) as the page drives them
    {"cli"},
    {"__main__"},
]
LEVEL = {part: i for i, layer in enumerate(LAYERS) for part in layer}
PENDING = set()  # imports that look sideways for now (each listed one must still be there)


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name):
    if not name.startswith("pyinit."):
        return False
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports(path):
    """(line, imported module) of every import in ``path`` that names pyinit or numpy."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            # "from . import x" imports the module x (if x is one); "from .x import y" the module x
            out += [
                (node.lineno, f"{base}.{a.name}" if is_module(f"{base}.{a.name}") else base)
                for a in node.names
            ]
    return [(line, m) for line, m in out if m.split(".")[0] in ("pyinit", "numpy")]


def part(module):
    """The layer part of a pyinit module: "core" for pyinit.core.network, "rules" for pyinit.rules."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_part_of_pyinit_has_a_layer():
    parts = {part(module_name(p)) for p in sources()}
    assert parts <= set(LEVEL), f"not in LAYERS: {sorted(parts - set(LEVEL))}"


def test_imports_only_look_down():
    wrong, used = [], set()
    for path in sources():
        me = module_name(path)
        for line, target in imports(path):
            if not target.startswith("pyinit") or target == "pyinit":
                continue
            a, b = part(me), part(target)
            if a == b or LEVEL[b] < LEVEL[a] or LEVEL[a] == LEVEL[b] == 0:
                continue
            if (me, target) in PENDING:
                used.add((me, target))
                continue
            wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({a}) imports {target} ({b})")
    assert not wrong, "imports that look sideways or up:\n" + "\n".join(wrong)
    assert used == PENDING, f"no longer needed, remove from PENDING: {sorted(PENDING - used)}"


def test_no_private_numpy_module():
    private = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
        for path in sources()
        for line, target in imports(path)
        if target.startswith("numpy.")
        and any(p.startswith("_") or p == "core" for p in target.split(".")[1:])
    ]
    assert not private, private
