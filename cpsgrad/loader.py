"""Stage 8: write emitted source to a real ``.py`` file in the cache folder and import it.

Loading from a file makes ``co_filename`` point at it, so pdb, ``breakpoint()`` and IDE
breakpoints work. The folder is ``$CPSGRAD_CACHE_DIR`` or ``~/.cache/cpsgrad``; a file is
named after the function and a digest of its content, so it is reused while the source is
unchanged and a new one appears when the function changes.
"""

import hashlib
import importlib.util
import os
from pathlib import Path


def cache_dir():
    root = os.environ.get("CPSGRAD_CACHE_DIR") or Path.home() / ".cache" / "cpsgrad"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def load(source, stem, namespace):
    """Import ``source`` as a module whose globals start as ``namespace``."""
    digest = hashlib.sha1(source.encode()).hexdigest()[:10]  # noqa: S324 (a file name)
    path = cache_dir() / f"{stem}_{digest}.py"
    if not path.exists() or path.read_text(encoding="utf-8") != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source, encoding="utf-8")
        tmp.replace(path)
    spec = importlib.util.spec_from_file_location(f"cpsgrad_emitted.{stem}_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(namespace)
    spec.loader.exec_module(module)
    return module
