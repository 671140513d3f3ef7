"""Gradient rule tables, one module per library; importing this registers them."""

from cpsgrad.rules import numpy as _numpy  # noqa: F401
from cpsgrad.rules import python as _python  # noqa: F401
from cpsgrad.rules import scipy as _scipy  # noqa: F401
