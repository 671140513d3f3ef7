"""Benchmark: ms per training step (forward + gradient) for cpsgrad and the alternatives.

    python benchmarks/run.py [--quick] [--reps N] [--only NAME[,NAME]] [--out benchmarks/results]

See benchmarks/README.md for what each column means.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                      "intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import importlib.util  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import handwritten  # noqa: E402
import numpy as np  # noqa: E402
import workloads  # noqa: E402

import cpsgrad  # noqa: E402

COLUMNS = ["hand-written", "cpsgrad", "autograd", "torch", "jax", "jax.jit"]
NOTES = []          # printed under the table
PROBLEMS = []       # cpsgrad problems, with tracebacks


def note(msg):
    print("note:", msg, flush=True)
    NOTES.append(msg)


# ---------------------------------------------------------------- environment

def machine_description():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg.get("Build Dependencies", {}).get("blas", {})
        blas = f"{b.get('name', '?')} {b.get('version', '')}".strip()
    except Exception:
        pass
    try:
        from threadpoolctl import threadpool_info
        blas += " | runtime: " + ", ".join(
            f"{i['internal_api']} {i.get('version')} threads={i['num_threads']}"
            for i in threadpool_info())
    except Exception:
        pass
    return [f"CPU: {cpu}; {os.cpu_count()} logical cores ({affinity} usable); "
            f"BLAS pinned to 1 thread",
            f"Python {platform.python_version()}, NumPy {np.__version__}, BLAS: {blas}",
            f"OS: {platform.platform()}"]


def load_workloads_with(np_module, name):
    """Execute workloads.py again, as a new module whose ``np`` is ``np_module``."""
    spec = importlib.util.spec_from_file_location(name, HERE / "workloads.py")
    mod = importlib.util.module_from_spec(spec)
    mod.ORACLE_NUMPY = np_module
    spec.loader.exec_module(mod)
    return mod


def optional_frameworks(skip=()):
    fw = {}
    try:
        if "autograd" in skip:
            raise ImportError
        import autograd
        import autograd.numpy as anp
        fw["autograd"] = (autograd, load_workloads_with(anp, "workloads_autograd"))
    except ImportError:
        note("autograd: column skipped (--skip)" if "autograd" in skip else
             "autograd is not installed: column skipped")
    try:
        if "torch" in skip:
            raise ImportError
        import torch
        torch.set_num_threads(1)
        with contextlib.suppress(RuntimeError):
            torch.set_num_interop_threads(1)
        import torch_models
        fw["torch"] = (torch, torch_models)
    except ImportError:
        note("torch: column skipped (--skip)" if "torch" in skip else
             "torch is not installed: column skipped (pip install torch==2.13.0)")
    try:
        if "jax" in skip:
            raise ImportError
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        fw["jax"] = (jax, load_workloads_with(jnp, "workloads_jax"))
    except ImportError:
        note("jax: columns skipped (--skip)" if "jax" in skip else
             "jax is not installed: columns skipped (pip install jax jaxlib)")
    return fw


def versions(fw):
    from importlib.metadata import PackageNotFoundError, version
    out = ["cpsgrad (this repo)"]
    for key in fw:
        try:
            out.append(f"{key} {version(key)}")
        except PackageNotFoundError:
            out.append(key)
    return ", ".join(out)


# ---------------------------------------------------------------- columns

def grads_to_numpy(g):
    return {k: np.asarray(v, dtype=np.float64) for k, v in g.items()}


def jax_scalar_loop_fori(jax):
    """The scalar loop for jax.jit, with jax.lax.fori_loop (a Python loop would unroll 1000x)."""
    jnp = jax.numpy

    def loss(params, n):
        def body(_, x):
            return x * params["w"] + jnp.sin(x) * params["b"]
        x = jax.lax.fori_loop(0, n, body, params["x0"])
        return x * x
    return loss


def build_columns(name, params, data, fw):
    """{column: (step, check)}; step() runs forward+gradient, check() gives (loss, grads)."""
    cols = {}
    hw = handwritten.HANDWRITTEN[name]
    cols["hand-written"] = (lambda: hw(params, *data),
                            lambda: (float(hw(params, *data)[0]), hw(params, *data)[1]))

    loss_fn = workloads.WORKLOADS[name][0]
    vg = cpsgrad.value_and_grad(loss_fn, wrt=0)
    cols["cpsgrad"] = (lambda: vg(params, *data),
                       lambda: (float(vg(params, *data)[0]), grads_to_numpy(vg(params, *data)[1])))

    if "autograd" in fw:
        autograd, mod = fw["autograd"]
        avg = autograd.value_and_grad(getattr(mod, loss_fn.__name__))
        cols["autograd"] = (lambda: avg(params, *data),
                            lambda: (float(avg(params, *data)[0]),
                                     grads_to_numpy(avg(params, *data)[1])))

    if "torch" in fw:
        step, step_np = fw["torch"][1].make_step(name, params, data)
        cols["torch"] = (step, step_np)

    if "jax" in fw:
        jax, mod = fw["jax"]
        jnp = jax.numpy
        jparams = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in params.items()}
        jfn = getattr(mod, loss_fn.__name__)
        base = workloads.model_of(name)
        if base == "cnn":
            note("jax, jax.jit / cnn: skipped: jax.numpy has no "
                 "lib.stride_tricks.sliding_window_view, so the shared loss source does not run")
        else:
            if base == "tree_lstm":
                jdata = data                      # a Python tree: stays a Python object
            elif base == "scalar_loop":
                jdata = data                      # n is a Python int
            else:
                jdata = tuple(jnp.asarray(d) for d in data)
            jvg = jax.value_and_grad(jfn)

            def jstep(jvg=jvg, jdata=jdata):
                return jax.block_until_ready(jvg(jparams, *jdata))
            cols["jax"] = (jstep, lambda: _jax_check(jstep))

            if base == "scalar_loop":
                jitted = jax.jit(jax.value_and_grad(jax_scalar_loop_fori(jax)),
                                 static_argnums=1)
                note("jax.jit / scalar_loop: the loop is jax.lax.fori_loop (a separate, "
                     "equivalent source), not the shared Python loop")
                jit_args = jdata
            elif base == "tree_lstm":
                tree = data[0]
                jitted = jax.jit(jax.value_and_grad(lambda p: jfn(p, tree)))
                note(f"jax.jit / {name}: the tree is closed over, so XLA compiles one "
                     "unrolled program for this single tree (a new tree shape would recompile)")
                jit_args = ()
            else:
                jitted = jax.jit(jax.value_and_grad(jfn))
                jit_args = jdata

            def jjstep(jitted=jitted, jit_args=jit_args):
                return jax.block_until_ready(jitted(jparams, *jit_args))
            cols["jax.jit"] = (jjstep, lambda: _jax_check(jjstep))
    return cols


def _jax_check(step):
    v, g = step()
    return float(v), grads_to_numpy(g)


def grads_close(g, ref):
    if set(g) != set(ref):
        return False
    return all(np.shape(g[k]) == np.shape(ref[k]) and
               np.allclose(g[k], ref[k], rtol=1e-6, atol=1e-9) for k in ref)


# ---------------------------------------------------------------- timing

def calibrate(fn, target):
    """Calls per sample so one sample lasts about ``target`` seconds (at least one call)."""
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    return max(1, int(target / max(dt, 1e-7)))


def measure(columns, reps, target):
    """Median seconds per call of each column, in ms. As in ``timeit``, the garbage collector
    is paused during a sample: JAX registers a callback (``_xla_gc_callback``) that runs at
    every collection, which otherwise slows whatever allocates many small objects (cpsgrad's
    continuations, autograd's boxes) by a third once JAX has run in the process."""
    number = {c: calibrate(fn, target) for c, fn in columns.items()}
    samples = {c: [] for c in columns}
    order = list(columns)
    for rep in range(reps):
        rot = order[rep % len(order):] + order[:rep % len(order)]   # round-robin, rotating start
        for c in rot:
            fn, n = columns[c], number[c]
            gc.disable()
            try:
                t = time.perf_counter()
                for _ in range(n):
                    fn()
                samples[c].append((time.perf_counter() - t) / n)
            finally:
                gc.enable()
            gc.collect(0)
    return {c: statistics.median(s) * 1e3 for c, s in samples.items()}


def first_call_overhead(name, params, data):
    """cpsgrad: (first call of a fresh value_and_grad) - (a warm call), in ms."""
    loss_fn = workloads.WORKLOADS[name][0]
    vg = cpsgrad.value_and_grad(loss_fn, wrt=0)
    t = time.perf_counter()
    vg(params, *data)
    first = time.perf_counter() - t
    warm = []
    for _ in range(3):
        t = time.perf_counter()
        vg(params, *data)
        warm.append(time.perf_counter() - t)
    return (first - min(warm)) * 1e3


# ---------------------------------------------------------------- main

def run_workload(name, fw, reps, target):
    make = workloads.WORKLOADS[name][1]
    params, data = make(np.random.default_rng(0))
    cells = {}
    try:
        cols = build_columns(name, params, data, fw)
    except Exception as exc:
        note(f"{name}: could not build columns: {type(exc).__name__}: {exc}")
        return {c: f"FAIL {type(exc).__name__}" for c in COLUMNS}, None
    ref_loss, ref_grads = cols["hand-written"][1]()
    steps = {}
    for c, (step, check) in cols.items():
        try:
            loss, g = check()
        except Exception as exc:
            cells[c] = f"FAIL {type(exc).__name__}"
            msg = f"{c} / {name}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            note(msg)
            if c == "cpsgrad":
                PROBLEMS.append((name, traceback.format_exc()))
            continue
        if not (np.isclose(loss, ref_loss, rtol=1e-6) and grads_close(g, ref_grads)):
            cells[c] = "FAIL wrong gradient"
            note(f"{c} / {name}: loss or gradient differs from hand-written")
            if c == "cpsgrad":
                PROBLEMS.append((name, "gradient differs from hand-written"))
            continue
        steps[c] = step
    print(f"  {name}: timing {', '.join(steps)} ...", flush=True)
    gc.collect()
    ms = measure(steps, reps, target)
    for c, v in ms.items():
        cells[c] = v
    overhead = None
    if "cpsgrad" in steps:
        overhead = first_call_overhead(name, params, data)
    return cells, overhead


def fmt_cell(v, ref):
    if isinstance(v, str):
        return v
    if v is None:
        return "n/a"
    ratio = f" ({v / ref:.2f}x)" if isinstance(ref, float) else ""
    return f"{v:.3f}{ratio}" if v < 1 else f"{v:.2f}{ratio}"


def make_table(results, present):
    head = "| workload | " + " | ".join(f"{c} ms (x hand)" for c in present) + \
           " | cpsgrad first-call transform ms |"
    lines = [head, "|" + "---|" * (len(present) + 2)]
    for name, (cells, overhead) in results.items():
        ref = cells.get("hand-written")
        row = [fmt_cell(cells.get(c, "n/a"), ref) for c in present]
        ov = f"{overhead:.0f}" if overhead is not None else "n/a"
        lines.append(f"| {name} | " + " | ".join(row) + f" | {ov} |")
    return "\n".join(lines)


def save_chart(results, present, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        note("matplotlib is not installed: no chart")
        return False
    names = list(results)
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(present)
    for j, c in enumerate(present):
        xs, ys = [], []
        for i, n in enumerate(names):
            v = results[n][0].get(c)
            if isinstance(v, float):
                xs.append(i + (j - (len(present) - 1) / 2) * width)
                ys.append(v)
        ax.bar(xs, ys, width, label=c)
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("ms per step (log scale, lower is better)")
    ax.set_title("forward + gradient, ms per training step (median)")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 reps, shorter samples")
    ap.add_argument("--reps", type=int, default=None, help="interleaved repetitions (default 15)")
    ap.add_argument("--only", default=None,
                    help="comma-separated workloads: " + ",".join(workloads.WORKLOADS))
    ap.add_argument("--skip", default="", help="comma-separated frameworks not to run: "
                    "autograd,torch,jax")
    ap.add_argument("--out", default=str(HERE / "results"), help="folder for latest.md/png")
    args = ap.parse_args(argv)
    reps = args.reps or (3 if args.quick else 15)
    target = 0.01 if args.quick else 0.05
    names = list(workloads.WORKLOADS)
    if args.only:
        names = [n.strip() for n in args.only.split(",")]
        bad = [n for n in names if n not in workloads.WORKLOADS]
        if bad:
            ap.error(f"unknown workload(s) {bad}; choose from {list(workloads.WORKLOADS)}")

    header = machine_description()
    for line in header:
        print(line)
    skip = {f.strip() for f in args.skip.split(",") if f.strip()}
    if skip - {"autograd", "torch", "jax"}:
        ap.error(f"--skip takes autograd, torch and jax, not {sorted(skip)}")
    fw = optional_frameworks(skip)
    header.append("Frameworks: " + versions(fw))
    header.append(f"{reps} interleaved reps (round-robin over columns), median; "
                  f"each sample >= {target * 1e3:.0f} ms of repeated calls")
    print(header[-2])

    results = {}
    for name in names:
        print(f"workload {name}", flush=True)
        results[name] = run_workload(name, fw, reps, target)

    present = [c for c in COLUMNS if any(c in cells for cells, _ in results.values())]
    table = make_table(results, present)
    text = "\n".join(["# cpsgrad benchmark", "", "Command: `python benchmarks/run.py" +
                      (" --quick" if args.quick else "") +
                      (f" --reps {args.reps}" if args.reps else "") +
                      (f" --only {args.only}" if args.only else "") + "`", ""] +
                     [f"- {h}" for h in header] + ["", table, ""] +
                     (["Notes:", ""] + [f"- {n}" for n in NOTES] + [""] if NOTES else []))
    if PROBLEMS:
        text += "\ncpsgrad problems:\n\n" + "\n".join(
            f"- {n}:\n\n```\n{tb.strip()[-1500:]}\n```\n" for n, tb in PROBLEMS)
    print()
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(text)
    if save_chart(results, present, out / "latest.png"):
        print(f"saved {out / 'latest.md'} and {out / 'latest.png'}")
    else:
        print(f"saved {out / 'latest.md'}")


if __name__ == "__main__":
    main()
