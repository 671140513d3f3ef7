"""Command line: ``python -m cpsgrad show|stages path/to/file.py:function [--wrt 0,1]``."""

import argparse
import importlib.util
import sys
from pathlib import Path

from cpsgrad import api


def load_function(spec):
    path, _, name = spec.rpartition(":")
    if not path or not name:
        raise SystemExit(f"cpsgrad: expected path/to/file.py:function, got {spec!r}")
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"cpsgrad: no such file: {path}")
    sys.path.insert(0, str(file.resolve().parent))
    module_spec = importlib.util.spec_from_file_location(file.stem, file)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[file.stem] = module
    module_spec.loader.exec_module(module)
    fn = getattr(module, name, None)
    fn = getattr(fn, "__wrapped__", fn)
    if not callable(fn):
        raise SystemExit(f"cpsgrad: {path} defines no function {name!r}")
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
    g = api.Gradient(fn, wrt if len(wrt) > 1 else wrt[0])
    print(api.show_source(g) if args.command == "show" else api.stages(g))
    return 0


if __name__ == "__main__":
    sys.exit(main())
