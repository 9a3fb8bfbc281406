"""examples/dask_explain.py on a LocalCluster of 2 worker processes: the relevance chunks it
writes equal the single-process explain bit for bit."""

import os
import subprocess
import sys

import numpy as np

import lrp

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "dask_explain.py")


def test_dask_example_matches_single_process(lenet5, mnist, tmp_path):
    x, _ = mnist
    inputs = tmp_path / "inputs.npy"
    np.save(inputs, x)                      # 64 padded MNIST digits
    out = tmp_path / "relevance"
    run = subprocess.run(
        [sys.executable, EXAMPLE, lenet5, str(inputs), str(out), "--local", "2", "--chunk", "10",
         "--rule", "epsilon", "--param", "0.01"],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "7 chunks" in run.stdout, run.stdout
    files = sorted((f for f in os.listdir(out) if f.endswith(".npy")), key=lambda f: int(f[:-4]))
    assert len(files) == 7                  # 64 samples in chunks of 10
    chunks = [np.load(out / f) for f in files]
    assert [len(c) for c in chunks] == [10] * 6 + [4]
    r = np.concatenate(chunks)
    single = lrp.Network.read(lenet5).explain(x, rule="epsilon", param=0.01)
    assert r.dtype == np.float64 and r.shape == single.shape
    np.testing.assert_array_equal(r, single)
    import dask.array as da

    np.testing.assert_array_equal(da.from_npy_stack(str(out)).compute(), single)


def test_dask_example_on_a_scheduler_address(lenet5, mnist, tmp_path):
    """The same script against a running scheduler (here a LocalCluster's, 2 workers of 2
    threads sharing each worker's network), as on a real cluster: the same numbers."""
    from distributed import LocalCluster

    x, _ = mnist
    inputs = tmp_path / "inputs.npy"
    np.save(inputs, x[:40])
    out = tmp_path / "relevance"
    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                      dashboard_address=None) as cluster:
        run = subprocess.run(
            [sys.executable, EXAMPLE, lenet5, str(inputs), str(out), "--scheduler",
             cluster.scheduler_address, "--chunk", "8", "--composite", "epsilon_plus",
             "--convention", "zennit"],
            capture_output=True, text=True, timeout=300,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 chunks" in run.stdout, run.stdout
    r = np.concatenate([np.load(out / f"{k}.npy") for k in range(5)])
    net = lrp.Network.read(lenet5)
    net.set_convention("zennit")
    np.testing.assert_array_equal(r, net.explain(x[:40], composite="epsilon_plus"))
