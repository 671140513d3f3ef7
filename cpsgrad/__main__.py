"""Command line: ``python -m cpsgrad show|stages path/to/file.py:function [--wrt 0,1]``."""

import argparse
import importlib.util
import sys
import traceback
from pathlib import Path

from cpsgrad import api
from cpsgrad.errors import TransformError


def fail(message):
    """A usage error: one line on stderr, exit status 2 (as argparse does)."""
    print(f"cpsgrad: {message}", file=sys.stderr)
    raise SystemExit(2)


def load_function(spec):
    path, _, name = spec.rpartition(":")
    if not path or not name:
        fail(f"expected path/to/file.py:function, got {spec!r}")
    file = Path(path)
    if not file.is_file():
        fail(f"no such file: {path}")
    sys.path.insert(0, str(file.resolve().parent))
    module_spec = importlib.util.spec_from_file_location(file.stem, file)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[file.stem] = module
    module_spec.loader.exec_module(module)
    fn = getattr(module, name, None)
    fn = getattr(fn, "__wrapped__", fn)
    if not callable(fn):
        fail(f"{path} defines no function {name!r}")
    return fn


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cpsgrad",
                                     description="Print the gradient cpsgrad emits for a function.")
    parser.add_argument("command", choices=["show", "stages"],
                        help="show: the emitted adjoint module; stages: every pipeline stage")
    parser.add_argument("target", help="path/to/file.py:function")
    parser.add_argument("--wrt", default="0",
                        help="comma-separated argument positions or names (default 0)")
    args = parser.parse_args(argv)
    fn = load_function(args.target)
    wrt = tuple(int(w) if w.strip().lstrip("-").isdigit() else w.strip()
                for w in args.wrt.split(","))
    try:
        g = api.Gradient(fn, wrt if len(wrt) > 1 else wrt[0])
    except (ValueError, TypeError) as exc:
        fail(f"--wrt {args.wrt}: {exc}")
    try:
        text = api.show_source(g) if args.command == "show" else api.stages(g)
    except TransformError as exc:  # located in the user's file: no cpsgrad traceback
        print("".join(traceback.format_exception_only(exc)), end="", file=sys.stderr)
        return 1
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
