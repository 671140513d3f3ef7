"""cpsgrad's differential random-program tester (see README.md in this folder).

generator (with program, expressions, numpy_ops, statements, containers, functions and the
pending* constructs) draws programs; classify judges cpsgrad against finite differences and
autograd; shrink reduces a failing program; run, report and __main__ make the command line.
"""
