"""Imports point down: rules <- store <- sync <- gui/cli, forms beside store; the district server
never imports the desk's window or command line; no two modules import each other, even lazily
(imports inside functions count: they run in the same process sooner or later)."""

import ast
from pathlib import Path

import commune_desk

PACKAGE = Path(commune_desk.__file__).parent
# a layer may import its own and lower ranks; equal ranks of different layers are peers
RANK = {"rules": 0, "store": 1, "forms": 1, "sync": 2, "district": 2, "gui": 3, "cli": 3}
NEVER = {("district", "gui"), ("district", "cli")}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str | None:
    part = module.split(".")[1] if "." in module else ""
    if part in RANK:
        return part
    return None


def modules() -> dict[str, set[str]]:
    """module -> the commune_desk modules it imports (anywhere in the file)."""
    known = {module_name(p) for p in PACKAGE.rglob("*.py")}
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        here = module_name(path)
        is_package = path.name == "__init__.py"
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - node.level + (1 if is_package else 0)]
                    base = ".".join(anchor + ([base] if base else []))
                # "from pkg import module" names a module; "from module import name" does not
                names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
            found |= {n for n in names if n.startswith("commune_desk")}
        graph[here] = {n for n in found if n != here}
    return graph


def test_no_module_imports_a_higher_layer():
    upward = []
    for importer, imported in modules().items():
        mine = layer(importer)
        for target in imported:
            theirs = layer(target)
            if mine is None or theirs is None or mine == theirs:
                continue
            if RANK[theirs] > RANK[mine] or (mine, theirs) in NEVER:
                upward.append(f"{importer} -> {target}")
    assert not upward, "imports pointing up:\n" + "\n".join(sorted(upward))


def test_no_circular_imports_between_layers_or_modules():
    graph = modules()
    layers = {}
    for importer, imported in graph.items():
        for target in imported:
            a, b = layer(importer), layer(target)
            if a and b and a != b:
                layers.setdefault(a, set()).add(b)
    both_ways = sorted(f"{a} <-> {b}" for a in layers for b in layers[a] if a < b and a in layers.get(b, ()))
    assert not both_ways, "layers importing each other: " + ", ".join(both_ways)

    # modules: a package's __init__ re-exporting its own modules is not a cycle
    def edges(m):
        return {t for t in graph.get(m, ()) if t in graph and not m.startswith(t + ".") and not t.startswith(m + ".")}

    cycles, state = [], {}

    def visit(m, stack):
        state[m] = "open"
        stack.append(m)
        for t in sorted(edges(m)):
            if state.get(t) == "open":
                cycles.append(" -> ".join(stack[stack.index(t):] + [t]))
            elif t not in state:
                visit(t, stack)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
    assert not cycles, "modules importing each other:\n" + "\n".join(cycles)
