"""gunicorn config of `bench.ingest_load --profile DIR`: each worker runs under cProfile, timed by its CPU (not the
wall clock, which on a shared machine counts the others' work), and writes its figures to DIR when it exits."""
import cProfile
import os
import time


def post_fork(server, worker):
    worker.bench_profile = cProfile.Profile(time.process_time)
    worker.bench_profile.enable()


def worker_exit(server, worker):
    profile = getattr(worker, "bench_profile", None)
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.path.join(os.environ["BENCH_PROFILE_DIR"], f"worker-{os.getpid()}.prof"))
