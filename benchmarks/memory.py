"""Memory of a deep loop's gradient: peak RSS per iteration of the scalar loop.

    python benchmarks/memory.py                 # 10^6 iterations
    python benchmarks/memory.py --steps 10000000

Each measurement runs in a fresh process (peak RSS only grows), which builds the gradient,
runs it once for 10 iterations (the baseline: the interpreter, NumPy, the emitted module)
or for ``--steps`` iterations, and reports its peak resident set size. Bytes per iteration
are ``(peak(steps) - peak(10)) / steps``, for cpsgrad and, where installed, autograd on the
same source.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

CHILD = """
import json, resource, sys
sys.path.insert(0, {here!r})
sys.setrecursionlimit(10**8)  # autograd's tape is not recursive; cpsgrad raises it itself
from workloads import scalar_loop
params = {{"x0": 0.7, "w": 0.9, "b": 0.3}}
if {framework!r} == "cpsgrad":
    import cpsgrad
    g = cpsgrad.grad(scalar_loop)
else:
    import autograd
    import workloads
    import autograd.numpy as anp
    workloads.np = anp
    g = autograd.grad(scalar_loop)
g(params, 2)
g(params, {steps})
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
"""


def peak(framework, steps):
    code = CHILD.format(here=str(HERE), framework=framework, steps=steps)
    out = subprocess.run([sys.executable, "-c", code],  # noqa: S603 (our own child program)
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10**6)
    parser.add_argument("--skip-autograd", action="store_true")
    args = parser.parse_args()
    frameworks = ["cpsgrad"]
    if not args.skip_autograd:
        try:
            import autograd  # noqa: F401 (optional)
            frameworks.append("autograd")
        except ImportError:
            pass
    print(f"| gradient of the scalar loop | peak RSS, 10 iterations | peak RSS, "
          f"{args.steps:,} iterations | bytes per iteration |")
    print("|---|---:|---:|---:|")
    for fw in frameworks:
        base, deep = peak(fw, 10), peak(fw, args.steps)
        print(f"| {fw} | {base / 2**20:.0f} MiB | {deep / 2**20:.0f} MiB | "
              f"{(deep - base) / args.steps:.0f} |")


if __name__ == "__main__":
    main()
