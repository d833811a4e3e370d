"""Benchmarks: a data generator, the order-queue latency bench and its raw-SQL baseline. Not the app."""
