"""The pipeline stages: fence → anf → activity → cps (+ adjoint) → optimize."""
