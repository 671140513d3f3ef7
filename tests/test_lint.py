"""Strict ruff over the whole repository (configured in pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    if ruff is None:
        try:
            import ruff as _ruff  # noqa: F401
        except ImportError:
            pytest.skip("ruff is not installed (pip install -e '.[test]')")
        cmd = [sys.executable, "-m", "ruff"]
    else:
        cmd = [ruff]
    result = subprocess.run([*cmd, "check", "."], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_syntax_builds_gast_nodes():
    """The rule from the design: every stage builds nodes through ``cpsgrad/syntax.py``."""
    import ast

    offenders = []
    for path in sorted((ROOT / "cpsgrad").rglob("*.py")):
        if path.name == "syntax.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "gast" \
                    and node.func.attr[:1].isupper():
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} gast.{node.func.attr}")
    assert not offenders, "\n".join(offenders)
