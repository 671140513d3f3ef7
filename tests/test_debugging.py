"""Emitted gradients can be found, read and stepped through."""

import linecache
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cpsgrad
from cpsgrad import __main__ as cli
from cpsgrad import loader
from tests.test_doc_blocks import blocks, code_view

ROOT = Path(__file__).parent.parent


def sqrt_of(x):
    y = x - 2.0
    return np.sum(np.sqrt(y))


def test_check_nans_names_the_statement_and_user_line():
    with pytest.raises(FloatingPointError) as info:
        cpsgrad.grad(sqrt_of, check_nans=True)(np.array([1.0, 3.0]))
    msg = str(info.value)
    assert "not finite" in msg
    assert "np.sum(np.sqrt(y))" in msg
    assert f"test_debugging.py:{sqrt_of.__code__.co_firstlineno + 2}" in msg


def test_without_check_nans_the_nan_propagates():
    with np.errstate(invalid="ignore"):
        g = cpsgrad.grad(sqrt_of)(np.array([1.0, 3.0]))
    assert np.isnan(g[0])


def test_emitted_file_is_real_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("CPSGRAD_CACHE_DIR", str(tmp_path))
    src = tmp_path / "model.py"
    src.write_text("import numpy as np\ndef f(x):\n    return np.sum(np.sin(x))\n")
    sys.path.insert(0, str(tmp_path))
    try:
        namespace = {}
        exec(compile(src.read_text(), str(src), "exec"), namespace)  # noqa: S102
        g = cpsgrad.grad(namespace["f"])
        g(np.ones(2))
        code = next(iter(g.built.values())).function.__code__
        assert code.co_filename.startswith(str(tmp_path))
        files = sorted(p.name for p in tmp_path.glob("f_adjoint_*.py"))
        g2 = cpsgrad.grad(namespace["f"])
        g2(np.ones(2))
        assert sorted(p.name for p in tmp_path.glob("f_adjoint_*.py")) == files  # reused
        # the user edits the function: a new module is emitted
        src.write_text("import numpy as np\ndef f(x):\n    return np.sum(np.cos(x))\n")
        linecache.checkcache(str(src))
        exec(compile(src.read_text(), str(src), "exec"), namespace)  # noqa: S102
        g3 = cpsgrad.grad(namespace["f"])
        np.testing.assert_allclose(g3(np.ones(2)), -np.sin(np.ones(2)))
        assert len(list(tmp_path.glob("f_adjoint_*.py"))) == len(files) + 1
    finally:
        sys.path.remove(str(tmp_path))


def test_function_from_a_notebook_cell():
    """IPython keeps cell source in linecache under a pseudo file name."""
    filename = "<ipython-input-7-0123456789ab>"
    text = "def cell_fn(x):\n    return x * x * 3.0\n"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace = {}
    exec(compile(text, filename, "exec"), namespace)  # noqa: S102
    assert cpsgrad.grad(namespace["cell_fn"])(2.0) == 12.0


def test_stages_show_every_stage():
    text = cpsgrad.stages(sqrt_of, np.array([3.0, 4.0]))
    for stage in ("parsed", "anf", "cps", "emitted module"):
        assert f"{stage} ----" in text
    assert "t0 = np.sqrt(y)" in text


def test_cli_show_and_stages(capsys):
    cli.main(["show", str(ROOT / "examples" / "quickstart.py") + ":loss", "--wrt", "0,1"])
    out = capsys.readouterr().out
    assert "def loss_adjoint(W, b, xs, target, k):" in out
    cli.main(["stages", str(ROOT / "examples" / "quickstart.py") + ":loss"])
    assert "anf ----" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["missing.py:f"], "no such file"),
    (["examples/quickstart.py:nope"], "defines no function 'nope'"),
    (["examples/quickstart.py"], "expected path/to/file.py:function"),
    (["examples/quickstart.py:loss", "--wrt", "Q"], "wrt='Q' names no parameter of loss"),
    (["examples/quickstart.py:loss", "--wrt", "0,Q"], "wrt='Q' names no parameter of loss"),
    (["examples/quickstart.py:loss", "--wrt", "4"], "wrt=4 is out of range: loss() has 4"),
    (["examples/quickstart.py:loss", "--wrt", "-5"], "wrt=-5 is out of range"),
], ids=["no-file", "no-function", "no-colon", "wrt-name", "wrt-tuple", "wrt-index",
        "wrt-negative"])
def test_cli_errors_are_one_line(args, message):
    result = subprocess.run([sys.executable, "-m", "cpsgrad", "show", *args], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cpsgrad: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # no traceback


def test_cli_transform_error_is_located_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(x):\n    try:\n        return x * x\n    finally:\n        pass\n")
    result = subprocess.run([sys.executable, "-m", "cpsgrad", "show", f"{bad}:f"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f'File "{bad}", line 2' in result.stderr
    assert "TransformError: in f(): `try` statements are not supported" in result.stderr


def rnn(x, W):
    h = x
    for _ in range(3):
        h = np.tanh(W @ h)
    return np.sum(h * h)


def files_run(g, *args):
    ran = set()

    def tracer(frame, event, arg):
        ran.add(frame.f_code.co_filename)

    sys.setprofile(tracer)
    try:
        g(*args)
    finally:
        sys.setprofile(None)
    return ran


@pytest.mark.parametrize("args", [
    (np.ones(3) / 2, np.eye(3) * 0.9),
    (np.ones((3, 4)) / 2, np.eye(3) * 0.9),
    (np.ones((3, 1)) / 2, np.eye(3) * 0.9),
], ids=["vector", "matrix", "length-one-axis"])
def test_emitted_file_is_the_file_that_runs(args):
    g = cpsgrad.grad(rnn, wrt=(0, 1))
    any_shape = cpsgrad.emitted_file(g)  # before any call: the adjoint for any shape
    path = cpsgrad.emitted_file(g, *args)  # what the debugging recipe asks for
    assert path != any_shape  # shape facts made it a different module
    assert f"Loaded from: {path}\n" in cpsgrad.show_source(g, *args)
    ran = files_run(g, *args)
    assert path in ran
    assert any_shape not in ran
    assert cpsgrad.emitted_file(rnn, *args, wrt=(0, 1)) == path  # same source, same file


def test_the_suite_does_not_write_into_the_home_cache():
    home_cache = Path.home() / ".cache" / "cpsgrad"
    assert loader.cache_dir().resolve() != home_cache.resolve()


def test_pdb_recipe_of_the_docs_stops_inside_the_emitted_file(tmp_path):
    """docs/debugging.md's blocks, run as a script, with what its recipe says to type."""
    pexpect = pytest.importorskip("pexpect")
    page = ROOT / "docs" / "debugging.md"
    script = tmp_path / "debugging.py"  # the page's code at the page's line numbers
    script.write_text(code_view(page, blocks(page)))
    child = pexpect.spawn(sys.executable, [str(script)], cwd=str(ROOT), encoding="utf-8",
                          timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                           "CPSGRAD_CACHE_DIR": str(tmp_path / "cache")})
    child.expect(r"(break \S+:\d+)\r?\n")
    command = child.match.group(1)
    child.expect(r"\(Pdb\) ")
    child.sendline(command)
    child.expect(r"Breakpoint 1 at .*\n")
    child.expect(r"\(Pdb\) ")
    child.sendline("continue")
    child.expect(r"W_bar = add_outer")
    child.expect(r"\(Pdb\) ")
    child.sendline("p t0_bar.shape, h1.shape, W_bar.shape")
    child.expect(r"\(\(3,\), \(3,\), \(3, 3\)\)")
    child.expect(r"\(Pdb\) ")
    child.sendline("where")
    child.expect(r"rnn_adjoint\(\)")
    child.sendline("quit")
    child.expect(pexpect.EOF)
