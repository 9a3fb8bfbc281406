"""Threads explaining with one shared network give the serial results bit for bit (the
explain and attribute calls leave the network unchanged and run without the GIL)."""

import threading
import time

import numpy as np

import lrp


def run_threads(n, work):
    results, errors = [None] * n, []

    def body(k):
        try:
            results[k] = work(k)
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_threads_sharing_one_network_match_serial(lenet5, mnist):
    x, _ = mnist
    net = lrp.Network.read(lenet5)
    net.drop_softmax_output_layer()
    chunks = [x[k * 8:(k + 1) * 8] for k in range(8)]
    rules = [("epsilon", 0.01), ("alphabeta", 2.0), ("simple", None), ("flat", None)]
    serial = [net.explain(c, rule=rules[k % 4][0], param=rules[k % 4][1]) for k, c in enumerate(chunks)]
    for _ in range(3):
        parallel = run_threads(8, lambda k: net.explain(chunks[k], rule=rules[k % 4][0], param=rules[k % 4][1]))
        for s, p in zip(serial, parallel):
            np.testing.assert_array_equal(p, s)


def test_threads_attribute_and_explain_classes(lenet5, mnist):
    x, _ = mnist
    net = lrp.Network.read(lenet5)
    xs = x[:16]
    serial_g = net.attribute(xs, "gradient", classes=3)
    serial_k = net.explain_classes(xs, [1, 7], rule="epsilon", param=0.1)
    out = run_threads(6, lambda k: net.attribute(xs, "gradient", classes=3) if k % 2
                      else net.explain_classes(xs, [1, 7], rule="epsilon", param=0.1))
    for k, o in enumerate(out):
        np.testing.assert_array_equal(o, serial_g if k % 2 else serial_k)


def test_library_calls_release_the_gil(lenet5, mnist):
    """While one thread is inside a long explain call, the main thread keeps running Python
    code: its longest pause is a small part of the call (with the GIL held it would stall
    for the whole call)."""
    x, _ = mnist
    big = np.concatenate([x] * 8)          # 512 digits: a call of a good fraction of a second
    net = lrp.Network.read(lenet5)
    classes = np.zeros(len(big), dtype=np.int32)
    done = threading.Event()
    span = []

    def work():
        t0 = time.perf_counter()
        net.explain(big, classes, rule="alphabeta", param=2.0)
        span.append(time.perf_counter() - t0)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    last = time.perf_counter()
    longest = 0.0
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    t.join()
    assert span[0] > 0.1, span
    assert longest < span[0] / 2, (longest, span[0])
