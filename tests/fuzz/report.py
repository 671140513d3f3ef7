"""Counts per verdict and per construct tag, and reproducer files for failing programs."""

import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from tests.fuzz.classify import BUGS, VERDICTS, signature
from tests.fuzz.program import Program
from tests.fuzz.reference import autograd_gradient
from tests.fuzz.tags import NUMPY
from tests.fuzz.values import literal

COLUMNS = ("WRONG", "CRASH", "UNEXPECTED-REJECTED", "REJECTED", "SKIPPED")


class Tally:
    def __init__(self):
        self.verdicts = Counter()
        self.tags = defaultdict(Counter)  # tag -> verdict -> programs
        self.kinds = Counter()  # (verdict, error signature) of crashes and rejections
        self.seconds = 0.0

    def add(self, result):
        verdict = result.outcome.verdict
        self.verdicts[verdict] += 1
        self.seconds += result.seconds
        for tag in result.program.tags:
            self.tags[tag]["programs"] += 1
            self.tags[tag][verdict] += 1
        if verdict not in ("AGREE", "WRONG"):
            self.kinds[verdict, signature(result.outcome.detail)] += 1

    @property
    def bugs(self):
        return sum(self.verdicts[v] for v in BUGS)

    def render(self, wall=None, every_tag=False):
        """The counts; per tag, the programs that use it and their classes, and ``bugs%``.
        A NumPy function's row is shown when ``every_tag`` or when its bug rate is 1.5
        times the overall one (the function is a suspect)."""
        total = sum(self.verdicts.values())
        lines = [" ".join(f"{v} {self.verdicts[v]}" for v in VERDICTS) + f"  (of {total})"]
        if wall:
            lines.append(f"{total / wall:.1f} programs/s ({wall:.1f} s wall clock)")
        overall = self.bugs / max(total, 1)
        lines += ["", f"{'tag':26} {'programs':>8} " +
                  " ".join(f"{c[:10]:>10}" for c in COLUMNS) + "   bugs%"]
        for tag in sorted(self.tags):
            row = self.tags[tag]
            rate = sum(row[v] for v in BUGS) / row["programs"]
            if tag in NUMPY and not every_tag and rate < 1.5 * overall:
                continue
            lines.append(f"{tag:26} {row['programs']:8} " +
                         " ".join(f"{row[c]:10}" for c in COLUMNS) + f"  {100 * rate:6.1f}")
        lines += ["", "kinds of crashes, rejections and skips:"]
        lines += [f"{n:6}  {v}: {s}" for (v, s), n in self.kinds.most_common()]
        return "\n".join(lines)


def _vector(v):
    if v is None:
        return "does not run"
    return np.array2string(np.asarray(v), precision=6, max_line_width=10_000)


def reproducer(program, outcome):
    """A runnable file: a header with the verdict and the gradients, the program, and its
    arguments (``ARGS``) and differentiated positions (``WRT``)."""
    grads = dict(outcome.grads)
    if outcome.verdict != "AGREE" and "autograd" not in grads:
        grads["autograd"] = autograd_gradient(program.source, outcome.args, program.wrt)
    header = [f"# cpsgrad fuzz: {outcome.verdict} (seed {program.seed})",
              *(f"# {line}" for line in outcome.detail.splitlines()[:3]),
              f"# tags: {', '.join(sorted(program.tags))}",
              *(f"# {name:8}: {_vector(grads.get(name))}" for name in ("cpsgrad", "FD", "autograd")
                if name in grads),
              "# replay: python -m tests.fuzz --replay <this file>"]
    body = program.source.rstrip() + "\n\n\n"
    args = f"ARGS = {literal(tuple(outcome.args or program.args))}\nWRT = {program.wrt!r}\n"
    return "\n".join(header) + "\n" + body + args


def write(folder, result):
    """Write the (shrunk) failing program of ``result`` into ``folder``; return the path."""
    program, outcome = result.program, result.outcome
    if result.shrunk is not None and result.shrunk_outcome.key() == outcome.key():
        program, outcome = result.shrunk, result.shrunk_outcome
    path = Path(folder) / f"{outcome.verdict.lower()}_{program.seed}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(reproducer(program, outcome), encoding="utf-8")
    return path


def load(path):
    """The program of a reproducer file (its ARGS, WRT, seed and tags)."""
    text = Path(path).read_text(encoding="utf-8")
    namespace = {}
    exec(compile(text, str(path), "exec"), namespace)  # noqa: S102 (a reproducer file)
    seed = re.search(r"\(seed (\d+)\)", text)
    tags = re.search(r"^# tags: (.*)$", text, flags=re.MULTILINE)
    return Program(int(seed.group(1)) if seed else 0, text, tuple(namespace["ARGS"]),
                   tuple(namespace["WRT"]),
                   frozenset(tags.group(1).split(", ")) if tags and tags.group(1) else frozenset())
