"""Drivers for the `make demo-*` targets.

The drivers run on the Python that macOS ships (3.9) with the standard library
only, except the HPA chart, which needs matplotlib from the demo environment.
"""
