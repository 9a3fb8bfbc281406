"""Threads explaining with one shared network give the serial results bit for bit (the
explain and attribute calls leave the network unchanged and run without the GIL)."""

import threading

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
