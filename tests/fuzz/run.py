"""Generate, classify and shrink programs, in this process or in worker processes."""

import multiprocessing
import os
import tempfile
import time
import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np

from tests.fuzz.classify import TIME_LIMIT, Outcome, classify
from tests.fuzz.generator import generate
from tests.fuzz.program import Program
from tests.fuzz.shrink import shrink


@dataclass
class Result:
    program: Program
    outcome: Outcome
    seconds: float  # to generate and classify (not to shrink)
    shrunk: Program | None = None  # for a bug: the shrunk program
    shrunk_outcome: Outcome | None = None


def quiet():
    """Programs overflow and divide by zero on purpose at times: no warnings."""
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    if not os.environ.get("CPSGRAD_CACHE_DIR"):
        os.environ["CPSGRAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="cpsgrad-fuzz-cache-")


def check(seed, enabled=None, time_limit=TIME_LIMIT):
    """The result of the program of ``seed``."""
    start = time.perf_counter()
    program = generate(seed, enabled)
    outcome = classify(program, time_limit)
    return Result(program, outcome, time.perf_counter() - start)


def shrunk(result, seconds, time_limit=TIME_LIMIT):
    """``result`` with its program shrunk (for up to ``seconds``) and classified again."""
    result.shrunk = shrink(result.program, result.outcome, seconds, time_limit)
    result.shrunk_outcome = classify(result.shrunk, time_limit, points=1)
    return result


def run(seeds, enabled=None, jobs=1, time_limit=TIME_LIMIT):
    """The results of the programs of ``seeds``, in order."""
    task = partial(check, enabled=enabled, time_limit=time_limit)
    quiet()
    if jobs <= 1:
        yield from map(task, seeds)
        return
    with multiprocessing.get_context("fork").Pool(jobs, initializer=quiet) as pool:
        yield from pool.imap(task, seeds, chunksize=4)
