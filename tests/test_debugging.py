"""Emitted gradients can be found, read and stepped through."""

import linecache
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import cpsgrad
from cpsgrad import __main__ as cli

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


@pytest.mark.parametrize(("target", "message"), [
    ("missing.py:f", "no such file"),
    ("examples/quickstart.py:nope", "defines no function"),
    ("examples/quickstart.py", "expected path/to/file.py:function"),
])
def test_cli_errors(target, message):
    result = subprocess.run([sys.executable, "-m", "cpsgrad", "show", target], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert message in result.stderr


PDB_SCRIPT = textwrap.dedent("""
    import numpy as np
    import cpsgrad

    def rnn(x, W):
        h = x
        for t in range(3):
            h = np.tanh(W @ h)
        return np.sum(h * h)

    g = cpsgrad.grad(rnn, wrt=(0, 1))
    g(np.ones(3) / 2, np.eye(3) * 0.9)
    fn = next(iter(g.built.values())).function
    lines = open(fn.__code__.co_filename).read().splitlines()
    target = next(i + 1 for i, l in enumerate(lines) if "W_bar +=" in l)
    print("BREAK", fn.__code__.co_filename, target, flush=True)
    import pdb
    pdb.Pdb().runcall(g, np.ones(3) / 2, np.eye(3) * 0.9)
""")


def test_pdb_stops_inside_the_emitted_file(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    script = tmp_path / "debug_me.py"
    script.write_text(PDB_SCRIPT)
    child = pexpect.spawn(sys.executable, [str(script)], cwd=str(ROOT), encoding="utf-8",
                          timeout=60, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                           "CPSGRAD_CACHE_DIR": str(tmp_path / "cache")})
    child.expect(r"BREAK (\S+) (\d+)")
    filename, line = child.match.group(1), child.match.group(2)
    child.expect(r"\(Pdb\) ")
    child.sendline(f"break {filename}:{line}")
    child.expect(r"Breakpoint 1 at .*\n")
    child.expect(r"\(Pdb\) ")
    child.sendline("continue")
    child.expect(r"W_bar \+=")
    child.expect(r"\(Pdb\) ")
    child.sendline("p t0_bar.shape, h2.shape")
    child.expect(r"\(\(3,\), \(3,\)\)")
    child.expect(r"\(Pdb\) ")
    child.sendline("where")
    child.expect(r"loop_\d+")
    child.sendline("quit")
    child.expect(pexpect.EOF)
