"""Stage 8: write emitted source to a real ``.py`` file in the cache folder and import it.

Loading from a file makes ``co_filename`` point at it, so pdb, ``breakpoint()`` and IDE
breakpoints work. The folder is ``$CPSGRAD_CACHE_DIR`` or ``~/.cache/cpsgrad``; a file is
named after the function and a digest of its content, so it is reused while the source is
unchanged and a new one appears when the function changes. Its docstring ends with a line
naming the file (``Loaded from: ...``).
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


def load(doc, body, stem, namespace):
    """Import the module with docstring ``doc`` and code ``body``, its globals starting as
    ``namespace``: ``(module, source)``.

    The file is named after a digest of ``doc`` and ``body``; the docstring then gets a last
    line naming that file, so whoever reads the source knows which file runs.
    """
    digest = hashlib.sha1((doc + body).encode()).hexdigest()[:10]  # noqa: S324 (a file name)
    path = cache_dir() / f"{stem}_{digest}.py"
    source = f'"""{doc}Loaded from: {path}\n"""\n\n\n{body}'
    if not path.exists() or path.read_text(encoding="utf-8") != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source, encoding="utf-8")
        tmp.replace(path)
    spec = importlib.util.spec_from_file_location(f"cpsgrad_emitted.{stem}_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(namespace)
    spec.loader.exec_module(module)
    return module, source
