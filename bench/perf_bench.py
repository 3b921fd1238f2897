# Runs one of MicroPython's perf_bench programs (appended below this harness by the caller)
# the way their protocol asks: the program defines `bm_params`, a dict from (N, M) sizes to
# parameters, and `bm_setup(params)`, which returns (run, result). The harness picks the
# largest sizes the target allows (time budget N, memory budget M, as run-perfbench.py is
# given them), times run() and prints "MICROSECONDS NORM RESULT".
#
# This file is Copperhead's own; only the protocol is MicroPython's.


def _bench_main(n_budget=1000, m_budget=1000):
    import time

    try:
        ticks, diff = time.ticks_us, time.ticks_diff
    except AttributeError:
        ticks = lambda: int(time.perf_counter() * 1_000_000)
        diff = lambda a, b: a - b
    chosen = None
    for sizes in bm_params:
        if sizes[0] * 10 <= n_budget * 12 and sizes[1] <= m_budget:
            if chosen is None or sizes > chosen:
                chosen = sizes
    if chosen is None:
        print(-1, -1, "SKIP: no sizes within the budget")
        return
    run, result = bm_setup(bm_params[chosen])
    start = ticks()
    run()
    took = diff(ticks(), start)
    norm, out = result()
    print(took, norm, out)
