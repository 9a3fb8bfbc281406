#!/usr/bin/env python3
"""Explain a data set over a Dask cluster: one relevance map per sample, as .npy chunks.

    python dask_explain.py MODEL INPUTS.npy OUTDIR --local 2          # a LocalCluster here
    python dask_explain.py MODEL INPUTS.npy OUTDIR --scheduler tcp://host:8786

MODEL is a model file lrp.Network.read takes (the toolbox's text format, or ONNX); INPUTS a
.npy file of network inputs, batch first (N x M or N x H x W x D). Every worker reads the
model once (a worker plugin, when it joins); the inputs are cut into chunks of --chunk
samples, each chunk loaded by the worker that explains it (straight from the file, memory
mapped: on a real cluster MODEL, INPUTS and OUTDIR must be paths every worker sees, e.g. a
shared file system), and each chunk's relevance is written as OUTDIR/<k>.npy (dask's
to_npy_stack layout: read it back with dask.array.from_npy_stack(OUTDIR), or np.load each
file in order). The class explained is each sample's top class unless --class is given.
The result does not depend on the chunking or the number of workers: it equals
lrp.Network.read(MODEL).explain(inputs, ...) in one process, bit for bit.
"""

import argparse
import sys
import time

import numpy as np

import dask
import dask.array as da
from distributed import Client, LocalCluster, WorkerPlugin, get_worker

import lrp


class ReadModel(WorkerPlugin):
    """Reads the model once on every worker (also on workers that join later)."""

    name = "lrp-read-model"

    def __init__(self, path, convention=None, composite=None, composite_params=None):
        self.path = path
        self.convention = convention
        self.composite = composite
        self.composite_params = composite_params or {}

    def setup(self, worker):
        net = lrp.Network.read(self.path)
        if self.convention:
            net.set_convention(self.convention)
        if self.composite:
            net.set_composite(self.composite, **self.composite_params)
        worker.lrp_network = net


def load_block(path, block_info=None):
    """The rows of this block, read from the .npy file on the worker (memory mapped)."""
    (start, stop), *_ = block_info[None]["array-location"]
    return np.asarray(np.load(path, mmap_mode="r")[start:stop], dtype=np.float64)


def explain_block(x, cls, rule, param):
    """The relevance of one block with the worker's network (explain is thread-safe: a
    worker's threads share it)."""
    net = get_worker().lrp_network
    return net.explain(x, classes=cls, rule=rule, param=param)


def explain_on_cluster(client, model, inputs, outdir, chunk=64, cls=None, rule=None,
                       param=None, convention=None, composite=None, composite_params=None):
    """Explains INPUTS with MODEL on the cluster of `client`, writing OUTDIR/<k>.npy."""
    plugin = ReadModel(model, convention, composite, composite_params)
    if hasattr(client, "register_plugin"):
        client.register_plugin(plugin)
    else:  # distributed before 2023.9
        client.register_worker_plugin(plugin)
    header = np.load(inputs, mmap_mode="r")
    shape = header.shape
    chunks = (chunk,) + shape[1:]
    x = da.map_blocks(load_block, inputs, dtype=np.float64,
                      chunks=da.core.normalize_chunks(chunks, shape))
    r = x.map_blocks(explain_block, cls, rule, param, dtype=np.float64)
    da.to_npy_stack(outdir, r, axis=0)
    return len(r.chunks[0])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("inputs", help=".npy file of network inputs, batch first")
    p.add_argument("outdir", help="where the relevance chunks go (OUTDIR/<k>.npy)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a running Dask scheduler")
    where.add_argument("--local", type=int, default=2, metavar="N",
                       help="start a LocalCluster of N worker processes (default 2)")
    p.add_argument("--threads", type=int, default=1, help="threads per local worker")
    p.add_argument("--chunk", type=int, default=64, help="samples per task")
    p.add_argument("--class", dest="cls", type=int, help="explain this class (default: top)")
    p.add_argument("--rule", help="one rule for all layers (default: the model's presets)")
    p.add_argument("--param", type=float, help="the rule's parameter")
    p.add_argument("--convention", choices=["toolbox", "zennit"])
    p.add_argument("--composite", help="presets from a composite (epsilon_plus, ...)")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        # Worker processes (not threads): each has its own copy of the model.
        cluster = LocalCluster(n_workers=args.local, threads_per_worker=args.threads,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        with dask.config.set({"array.chunk-size": "512MiB"}):
            k = explain_on_cluster(client, args.model, args.inputs, args.outdir, args.chunk,
                                   args.cls, args.rule, args.param, args.convention,
                                   args.composite)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    print(f"dask_explain: {k} chunks of relevance in {args.outdir} "
          f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
