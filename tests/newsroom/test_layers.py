"""The apps' layering: no app imports one above it (DESIGN.md, issue 18)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from disclaimers.services import story_sources
from newsroom.page_cache import next_change_sources
from photos.models import live_language_sources
from tests.factories import make_article

ROOT = Path(__file__).resolve().parents[2]
# The apps above: they import the ones below and wire themselves into them
# (articles/apps.py), never the other way round.
HIGHER = {"articles", "api", "archive"}
LOWER = ["accounts", "authors", "background", "disclaimers", "newsroom", "photos"]
# Each exception with its reason; an exception that no longer imports is stale.
ALLOWED = {
    "newsroom/urls.py": "the root URLconf routes to every app: the project's top",
}
# Ways to import a module by its dotted name at run time.
DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}


def imported_modules(tree: ast.AST):
    """Every module `tree` imports, at module level or inside functions."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            name = getattr(function, "id", None) or getattr(function, "attr", None)
            first = node.args[0]
            if (
                name in DYNAMIC_IMPORTS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield first.value


def higher_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return sorted(
        {name for name in imported_modules(tree) if name.split(".")[0] in HIGHER}
    )


def lower_sources() -> list[Path]:
    return sorted(path for app in LOWER for path in (ROOT / app).rglob("*.py"))


def test_lower_apps_import_no_app_above_them():
    offences = {
        str(path.relative_to(ROOT)): imports
        for path in lower_sources()
        if (imports := higher_imports(path))
        and str(path.relative_to(ROOT)) not in ALLOWED
    }
    assert offences == {}, (
        "Hand the lower app a hook (a signal or a registered callback) that "
        "articles/apps.py connects, instead of importing upwards."
    )


@pytest.mark.parametrize("name", ALLOWED)
def test_each_exception_to_the_layering_is_still_needed(name):
    assert higher_imports(ROOT / name), f"{name} no longer imports upwards"


def test_the_check_sees_imports_inside_functions_and_by_name():
    source = (
        "def f():\n"
        "    from articles.models import Article\n"
        "    import api.views\n"
        "    import_string('archive.jsonl.load')\n"
    )
    names = {name.split(".")[0] for name in imported_modules(ast.parse(source))}
    assert names == HIGHER


@pytest.mark.django_db
def test_articles_wires_itself_in_once_however_often_ready_runs(monkeypatch):
    apps.get_app_config("articles").ready()

    hooks = (story_sources, next_change_sources, live_language_sources)
    assert [len(hook) for hook in hooks] == [1, 1, 1]
    scanned = []
    monkeypatch.setattr("disclaimers.signals.update_mentions", scanned.append)
    story = make_article()
    assert scanned == [story]
