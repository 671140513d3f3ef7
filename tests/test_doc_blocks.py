"""Every code block in docs/*.md runs as written, in order, one namespace per page.

A page reads like a notebook: its ``python`` blocks are executed and its ``pycon`` blocks
run as doctests, all in one namespace, from the repository root. A block right after an
``<!-- output -->`` line is not run: it must be a verbatim excerpt of what the page's last
printing block printed. A block right after ``<!-- no-run -->`` is skipped (shell
transcripts, deliberately failing code).
"""

import contextlib
import doctest
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!-- (output|no-run) -->$")
RUN = ("python", "pycon")


def blocks(page):
    """``(language, first line, text, marker)`` for each fenced block of ``page``."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = [line for line in lines[:i] if line.strip()]
        marker = MARKER.match(before[-1]) if before else None
        out.append((m.group(1), i + 2, "\n".join(lines[i + 1:end]) + "\n",
                    marker.group(1) if marker else None))
        i = end + 1
    return out


def code_view(page, found):
    """The page with every line outside its python blocks blank: a file in which the
    functions a block defines have their source, at the page's line numbers."""
    lines = [""] * len(page.read_text(encoding="utf-8").splitlines())
    for lang, first, text, marker in found:
        if lang == "python" and marker is None:
            for k, line in enumerate(text.splitlines()):
                lines[first - 1 + k] = line
    return "\n".join(lines) + "\n"


def run_python(text, first, filename, namespace):
    code = compile("\n" * (first - 1) + text, filename, "exec")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        exec(code, namespace)  # noqa: S102 (the documentation's own code)
    return stdout.getvalue()


def run_pycon(text, first, page, namespace):
    test = doctest.DocTestParser().get_doctest(text, namespace, f"{page.name}:{first}",
                                               str(page), first - 1)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)
    assert runner.failures == 0, report.getvalue()


def lines_of(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_blocks_run(page, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)  # paths in the docs are relative to a fresh clone
    monkeypatch.setenv("PYTHONBREAKPOINT", "0")  # breakpoint() in a recipe: no prompt
    found = blocks(page)
    filename = tmp_path / page.name  # emitted comments then name the page's lines
    filename.write_text(code_view(page, found), encoding="utf-8")
    filename = str(filename)
    namespace, printed = {"__name__": f"docs_{page.stem}"}, ""
    for lang, first, text, marker in found:
        where = f"{page.name}:{first}"
        if marker == "output":
            assert printed, f"{where}: an output excerpt, but no block printed anything before"
            assert lines_of(text) in lines_of(printed), \
                f"{where}: not what the code printed; it printed:\n{printed}"
        elif marker is None and lang == "python":
            printed = run_python(text, first, filename, namespace) or printed
        elif marker is None and lang == "pycon":
            run_pycon(text, first, page, namespace)


def test_markers_are_rare_and_blocks_are_found():
    found = {page.name: blocks(page) for page in PAGES}
    run = sum(1 for bs in found.values() for lang, _, _, marker in bs
              if lang in RUN and marker is None)
    skipped = [(name, first) for name, bs in found.items() for lang, first, _, marker in bs
               if marker == "no-run" and lang in RUN]
    assert run >= 15
    assert len(skipped) <= 2, f"blocks marked no-run: {skipped}"
