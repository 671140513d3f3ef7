"""``python -m tests.fuzz --n 10000 --seed S [--out DIR] [--only/--exclude/--include TAGS]
[--jobs J]``: generate programs, classify each, print the counts per verdict and per
construct tag, and write every failing program (shrunk) into ``--out``."""

import argparse
import sys
import time
from collections import Counter

from tests.fuzz import report
from tests.fuzz.classify import BUGS, TIME_LIMIT, classify
from tests.fuzz.generator import generate
from tests.fuzz.run import quiet, run, shrunk
from tests.fuzz.tags import ALL, PENDING, select


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    p.add_argument("--n", type=int, default=300, help="how many programs (default 300)")
    p.add_argument("--seed", type=int, default=0, help="program i has seed SEED + i")
    p.add_argument("--out", help="folder for the failing programs (one .py file each)")
    p.add_argument("--only", default="", help="comma-separated tags (or prefixes) to draw")
    p.add_argument("--exclude", default="", help="tags (or prefixes) never to draw")
    p.add_argument("--include", default="", help="pending tags to draw as well ('class', ...)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes")
    p.add_argument("--shrink-seconds", type=float, default=20.0,
                   help="time to shrink each failing program (0: do not shrink)")
    p.add_argument("--shrink-per-kind", type=int, default=None, metavar="K",
                   help="shrink only the first K failing programs of each kind of bug "
                        "(the others are written as drawn)")
    p.add_argument("--time-limit", type=float, default=TIME_LIMIT,
                   help="seconds per program phase; longer is a CRASH (hang)")
    p.add_argument("--show", action="store_true", help="print the programs, do not run them")
    p.add_argument("--replay", nargs="+", metavar="FILE", help="classify reproducer files")
    p.add_argument("--tags", action="store_true", help="list the construct tags")
    p.add_argument("--every-tag", action="store_true",
                   help="a row for every NumPy function (else only for suspects)")
    return p.parse_args(argv)


def _tags(text):
    return [t.strip() for t in text.split(",") if t.strip()]


def main(argv=None):
    args = parse(argv)
    quiet()
    if args.tags:
        for tag, meaning in ALL.items():
            print(f"{tag:26} {'(pending) ' if tag in PENDING else ''}{meaning}")
        return 0
    if args.replay:
        return _replay(args.replay, args.time_limit)
    enabled = select(_tags(args.only), _tags(args.exclude), _tags(args.include))
    seeds = range(args.seed, args.seed + args.n)
    if args.show:
        for seed in seeds:
            print(f"# seed {seed}\n{generate(seed, enabled).source}")
        return 0
    tally, start, kinds = report.Tally(), time.monotonic(), Counter()
    for k, result in enumerate(run(seeds, enabled, args.jobs, args.time_limit), 1):
        tally.add(result)
        if args.out and result.outcome.verdict in BUGS:
            kind = result.outcome.key()
            kinds[kind] += 1
            if args.shrink_seconds > 0 and kinds[kind] <= (args.shrink_per_kind or args.n):
                shrunk(result, args.shrink_seconds, args.time_limit)
            report.write(args.out, result)
        if k % 100 == 0:
            print(f"{k} programs, {tally.bugs} bugs", file=sys.stderr, flush=True)
    print(tally.render(time.monotonic() - start, args.every_tag))
    return 1 if tally.bugs else 0


def _replay(paths, time_limit):
    failed = 0
    for path in paths:
        outcome = classify(report.load(path), time_limit)
        failed += outcome.verdict in BUGS
        first = outcome.detail.splitlines()[0] if outcome.detail else ""
        print(f"{path}: {outcome.verdict} {first}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
