"""The suite writes emitted modules into a temporary folder, never into ``~/.cache``."""

import os
import shutil
import tempfile

_OWN_CACHE = []


def pytest_configure(config):
    if not os.environ.get("CPSGRAD_CACHE_DIR"):  # a folder the user chose is kept
        folder = tempfile.mkdtemp(prefix="cpsgrad-tests-")
        os.environ["CPSGRAD_CACHE_DIR"] = folder
        _OWN_CACHE.append(folder)


def pytest_unconfigure(config):
    for folder in _OWN_CACHE:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get("CPSGRAD_CACHE_DIR") == folder:
            del os.environ["CPSGRAD_CACHE_DIR"]
