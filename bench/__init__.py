"""Benchmarks behind `make bench`: the web app, the CPU burn and the job queue, each
measured beside a baseline in the same run, written to docs/benchmarks.md."""
