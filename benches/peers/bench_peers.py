#!/usr/bin/env python3
"""lrp against zennit (PyTorch) on the same networks, inputs and classes, in one process.

Run by `make bench-peers` (mk/peers.mk), which sets up the venv (benches/peers/
requirements.txt) and installs the lrp package (bindings/python) into it first. Times
forward + one LRP pass (the relevance of each sample's top class, R = output at that class)
of lrp in float64 (the Python package over liblrp) and of zennit in float64 and float32,
THREADS threads each (torch.set_num_threads; RAYON_NUM_THREADS for lrp), runs interleaved
so that all figures of a row come from the same moments of a shared machine: one warm-up
call each, then the median of --runs runs (a run of a call shorter than 50 ms repeats it and
takes the mean). Checks that the maps agree: the largest absolute difference to lrp's map,
relative to the largest absolute value of lrp's map, must be at most TOL_F64 (zennit f64)
and TOL_F32 (zennit f32), else the script exits with status 1 after printing the tables.
A missing library (torch, zennit, lrp) is an error too (status 2). Then the peak memory
(RSS high-water mark, VmHWM) of explaining cnn64 at B=256 with epsilon, each library in a
subprocess of its own. Prints Markdown tables with the date, the machine, the load average
and the command; --out FILE also writes them there (the README's comparison is that file).

Workloads (the Rust bench's, benches/support/workloads.rs, and the issue 16 table's):
- LeNet-5 (../shared/golden/lenet5.txt, read by lrp; the same weights in a torch model with
  a sum-pooling module): MNIST test images padded to 32 x 32, B = 1, 64, 256; epsilon(0.01)
  on every layer, and alpha1beta0 (zennit's ZPlus, which is AlphaBeta(1, 0)).
- cnn64: 64 x 64 x 3 inputs, three Conv 3x3 / ReLU / MaxPool 2x2 blocks (32, 64, 128
  channels), Linear 4608-256, ReLU, Linear 256-10, seeded random weights built through the
  lrp package and copied into torch; B = 1, 64; epsilon(0.01) and alpha1beta0.
- the golden-onnx ResNet (../shared/golden-onnx/resnet_tiny.onnx, torchvision's
  ResNet(BasicBlock, [1, 1, 1, 1]); zennit's model gets the file's weights), 3 x 64 x 64,
  B = 1, 16, and torchvision's ResNet-18 (random weights, seeded, exported with
  lrp.from_torch(keep_batchnorm=True)), 3 x 224 x 224, B = 1, 16: zennit's EpsilonPlus
  with ResNetCanonizer; lrp: the same file, convention 'zennit', canonize('resnet'),
  composite 'epsilon_plus'. Both merge each BatchNorm into its convolution and keep the
  x / sqrt(1 + eps) that zennit's MergeBatchNorm leaves behind (README, "zennit's
  BatchNorm residual"): the golden-onnx file has its BatchNorms folded, so there zennit's
  model gets eps = 0; ResNet-18's BatchNorms get eps = float32(1e-5), the value ONNX's
  float attribute holds, so that both libraries divide by the same sqrt(1 + eps).
Rules map as zennit's layer_map_base does: ReLU Pass, MaxPool the gradient (the first
maximum), sum pooling the layer's rule.
"""

import argparse
import copy
import datetime
import gc
import math
import os
import platform
import shlex
import subprocess
import sys
import textwrap
import time

import numpy as np

#: Largest allowed max |zennit - lrp| / max |lrp| for zennit in float64 on the sequential
#: networks: epsilon agrees to rounding, alphabeta to about 1e-6 (where the two place their
#: 1e-6 stabilisers).
TOL_F64 = 1e-5
#: The same for the ResNets (epsilon_plus through the canonizers), which agree to rounding:
#: measured 1.5e-14 (golden-onnx ResNet) and 1.3e-12 (ResNet-18, B=16). Their BatchNorms
#: must be the same in both: ResNet-18 exported folded (from_torch's default) lacks zennit's
#: merge residual and differs by 1.4e-4 (B=1) to 3.3e-3 (B=16); with PyTorch's eps = 1e-5,
#: which ONNX's float32 attribute rounds to 9.99999975e-06, by 5e-10 (B=16).
TOL_F64_RESNET = 1e-9
#: The same for zennit in float32 (float32's 6e-8 rounding grown through a deep network
#: and the divisions of the rules).
TOL_F32 = 2e-2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def die(msg, status=2):
    print(f"bench_peers: {msg}", file=sys.stderr)
    sys.exit(status)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2, help="threads of each library (2)")
    p.add_argument("--runs", type=int, default=7, help="timed runs after the warm-up (7)")
    p.add_argument("--quick", action="store_true", help="3 runs and B=256/16 rows left out")
    p.add_argument("--only", nargs="*", default=[],
                   help="only the workloads whose name contains one of these words")
    p.add_argument("--no-memory", action="store_true", help="leave out the memory table")
    p.add_argument("--out", help="also write the Markdown tables to this file")
    p.add_argument("--shared", default=os.environ.get("LRP_SHARED_DIR",
                                                       os.path.join(ROOT, "..", "shared")),
                   help="the project's shared/ folder (golden data)")
    # Internal: one peak-memory measurement in this process (a subprocess of the main run).
    p.add_argument("--peak", choices=["lrp", "lrp-f32", "zennit-f64", "zennit-f32"], help=argparse.SUPPRESS)
    return p.parse_args(argv)


ARGS = parse_args(sys.argv[1:])

# lrp's thread pool (rayon) reads RAYON_NUM_THREADS when the library first runs in parallel:
# set before the package is loaded.
_rayon = os.environ.get("RAYON_NUM_THREADS")
if _rayon is not None and _rayon != str(ARGS.threads):
    die(f"RAYON_NUM_THREADS={_rayon} but --threads {ARGS.threads}: give the same")
os.environ["RAYON_NUM_THREADS"] = str(ARGS.threads)
# PyTorch's OpenMP threads spin after each parallel region (active wait). On a small machine
# shared with other work, two spinning threads that wait for each other made zennit 5-10x
# slower at 2 threads than at 1 (measured here at load 7); passive waiting is what a user
# of a shared machine would set, and rayon's threads also go to sleep soon. Kept if set.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    import lrp
except ImportError as e:
    die(f"the lrp package is not installed ({e}); `make bench-peers` installs it")


def import_torch():
    """torch, torchvision and zennit, or exit: the comparison needs all three."""
    try:
        import torch
        import torchvision  # noqa: F401  (zennit's ResNet canonizer and the models)
        import zennit  # noqa: F401
    except ImportError as e:
        die(f"PyTorch/zennit missing ({e}); `make bench-peers` installs them")
    torch.set_num_threads(ARGS.threads)
    return torch


# ---------------------------------------------------------------------------------------
# Networks and inputs
# ---------------------------------------------------------------------------------------


def lenet_inputs(n):
    """MNIST test images as LeNet-5 takes them: 28 x 28 padded by 2 pixels of -1, N x 32 x
    32 x 1 (as benches/support/workloads.rs)."""
    x = np.load(os.path.join(ARGS.shared, "golden", "mnist_test_x.npy"))
    out = np.full((n, 32, 32, 1), -1.0)
    for i in range(n):
        out[i, 2:30, 2:30, 0] = x[i % x.shape[0]].reshape(28, 28)
    return out


def cnn64_lrp():
    """The issue's cnn64 through the package's layer API (seeded weights drawn by the
    library), images N x 64 x 64 x 3."""
    net = lrp.Network()
    net.add_convolution((3, 3, 3, 32), seed=1).add_rect().add_maxpool()
    net.add_convolution((3, 3, 32, 64), seed=2).add_rect().add_maxpool()
    net.add_convolution((3, 3, 64, 128), seed=3).add_rect().add_maxpool()
    net.add_flatten().add_linear(4608, 256, seed=4).add_rect().add_linear(256, 10, seed=5)
    return net


def normal_images(n, c, h, w, seed):
    """Standard normal N x C x H x W images (torch's layout), seeded."""
    return np.random.default_rng(seed).standard_normal((n, c, h, w))


_SUMPOOL = []
#: The window size of the SumPool layers here (LeNet-5's 2 x 2).
SUMPOOL_AREA = 4


def sumpool_class(torch):
    """The toolbox's SumPool as a torch module: the window sum S over sqrt(window area),
    i.e. average pooling times sqrt(area). One class, so that the composites' layer maps
    can name it. (lrp's SumPool LRP divides by S + eps sign(S), zennit's rules by the
    module's output + eps sign: the layer map gives it eps / sqrt(area).)"""
    if not _SUMPOOL:
        class SumPool2d(torch.nn.Module):
            def __init__(self, pool, stride):
                super().__init__()
                self.pool, self.stride = pool, stride
                self.scale = math.sqrt(pool[0] * pool[1])

            def forward(self, x):
                return torch.nn.functional.avg_pool2d(x, self.pool, self.stride) * self.scale

        _SUMPOOL.append(SumPool2d)
    return _SUMPOOL[0]


def torch_from_lrp(torch, net, chw):
    """A torch.nn.Sequential computing the same as the toolbox-style network `net` for
    N x C x H x W inputs of size `chw` (lrp's own are N x H x W x C): same weights, the
    first Linear after a Flatten with its rows reordered from lrp's H, W, C flattening to
    torch's C, H, W."""
    nn = torch.nn
    SumPool2d = sumpool_class(torch)
    c, h, w = chw
    flat = None
    mods = []
    for i, layer in enumerate(net.layers):
        k, s = layer.kind, layer.sizes
        if k == "Convolution":
            hf, wf, df, nf, sh, sw = s
            conv = nn.Conv2d(df, nf, (hf, wf), (sh, sw)).double()
            with torch.no_grad():
                conv.weight.copy_(torch.from_numpy(net.get_param(i, "W").transpose(3, 2, 0, 1).copy()))
                conv.bias.copy_(torch.from_numpy(net.get_param(i, "B").reshape(-1)))
            mods.append(conv)
            c, h, w = nf, (h - hf) // sh + 1, (w - wf) // sw + 1
        elif k in ("MaxPool", "SumPool"):
            ph, pw, sh, sw = s
            if k == "SumPool" and ph * pw != SUMPOOL_AREA:
                raise ValueError(f"the composites assume {SUMPOOL_AREA}-cell SumPool windows, not {ph} x {pw}")
            mods.append(nn.MaxPool2d((ph, pw), (sh, sw)) if k == "MaxPool" else SumPool2d((ph, pw), (sh, sw)))
            h, w = (h - ph) // sh + 1, (w - pw) // sw + 1
        elif k == "Rect":
            mods.append(nn.ReLU())
        elif k == "Flatten":
            mods.append(nn.Flatten())
            flat = (c, h, w)
        elif k == "Linear":
            m, n = s
            W = net.get_param(i, "W")
            if flat is not None:
                fc, fh, fw = flat
                W = W.reshape(fh, fw, fc, n).transpose(2, 0, 1, 3).reshape(m, n)
                flat = None
            lin = nn.Linear(m, n).double()
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(W.T.copy()))
                lin.bias.copy_(torch.from_numpy(net.get_param(i, "B").reshape(-1)))
            mods.append(lin)
        else:
            raise ValueError(f"no torch equivalent for {k}")
    return nn.Sequential(*mods).eval()


def resnet_tiny_torch(torch, path):
    """torchvision's ResNet(BasicBlock, [1, 1, 1, 1]) with the weights of the golden-onnx
    file: the exporter folded each BatchNorm into its convolution, so each BatchNorm here
    is the identity plus the folded bias (zennit's canonizer merges it back)."""
    import onnx
    from onnx import numpy_helper
    from torchvision.models.resnet import BasicBlock, ResNet

    model = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10).double().eval()
    graph = onnx.load(path).graph
    init = {t.name: np.array(numpy_helper.to_array(t)) for t in graph.initializer}
    convs = [n for n in graph.node if n.op_type == "Conv"]
    gemm = [n for n in graph.node if n.op_type == "Gemm"]
    # The exporter writes the convolutions in the forward order, which is the modules'
    # order: conv1, then per block conv1, conv2, downsample.0; each followed by its BN.
    pairs = []
    mods = dict(model.named_modules())
    for name, mod in model.named_modules():
        if isinstance(mod, torch.nn.Conv2d):
            # conv1 -> bn1, layerK.0.convJ -> layerK.0.bnJ, downsample.0 -> downsample.1
            bn_name = name[:-1] + "1" if name.endswith("downsample.0") else name.replace("conv", "bn")
            pairs.append((mod, mods[bn_name]))
    if len(pairs) != len(convs) or len(gemm) != 1:
        die(f"{path}: expected {len(pairs)} Conv and 1 Gemm, found {len(convs)} and {len(gemm)}")
    with torch.no_grad():
        for (conv, bn), node in zip(pairs, convs):
            w, b = init[node.input[1]], init[node.input[2]]
            if tuple(conv.weight.shape) != w.shape:
                die(f"{path}: Conv {node.output[0]} is {w.shape}, the model's {tuple(conv.weight.shape)}")
            conv.weight.copy_(torch.from_numpy(w))
            bn.eps = 0.0
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0)
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(b))
        model.fc.weight.copy_(torch.from_numpy(init[gemm[0].input[1]]))
        model.fc.bias.copy_(torch.from_numpy(init[gemm[0].input[2]]))
    return model


# ---------------------------------------------------------------------------------------
# One workload: what each library calls
# ---------------------------------------------------------------------------------------


class Workload:
    """A network in both libraries, an input batch and the rule: `lrp_call()` and
    `zennit_call(dtype)` each compute forward + one LRP pass and return the map
    (N x C x H x W: lrp's a float64 numpy array, zennit's a tensor of `dtype`)."""

    def __init__(self, name, torch, net, model, x, rule, channels_last):
        """`net` as read: for epsilon_plus, canonized and given the composite here, after the
        forward check (under the zennit convention the canonized network keeps zennit's
        BatchNorm residuals, so its outputs are no longer the model's)."""
        self.name = name
        self.torch = torch
        self.net = net
        self.x = x  # N x C x H x W, float64
        self.x_lrp = np.ascontiguousarray(x.transpose(0, 2, 3, 1)) if channels_last else x
        self.channels_last = channels_last
        self.rule = rule
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        # Forward check: both libraries compute the same network.
        y_lrp = net.forward(self.x_lrp)
        scale = np.abs(y).max()
        if np.abs(y_lrp - y).max() > 1e-9 * scale:
            die(f"{name}: lrp's and torch's forward passes differ by {np.abs(y_lrp - y).max():.3g} "
                f"(outputs up to {scale:.3g}): the networks are not the same", 1)
        net.clean()
        if rule == "epsilon_plus":
            # The convention first: the merge leaves zennit's residuals only under it.
            net.set_convention("zennit")
            net.canonize("resnet")
            net.set_composite("epsilon_plus")
        # The same network computing in f32, given float32 data (the float door).
        self.net32 = net.clone().set_precision("f32")
        self.x_lrp32 = self.x_lrp.astype(np.float32)
        self.classes = np.argmax(y, axis=1).astype(np.int32)
        self.models = {}
        self.handles = []
        for dtype in (torch.float64, torch.float32):
            m = copy.deepcopy(model).to(dtype)
            composite = self.composite()
            composite.register(m)
            self.handles.append(composite)
            onehot = torch.zeros(y.shape, dtype=dtype)
            onehot[np.arange(len(self.classes)), torch.from_numpy(self.classes).long()] = 1.0
            self.models[dtype] = (m, torch.from_numpy(x).to(dtype), onehot)

    def composite(self):
        from zennit.torchvision import ResNetCanonizer
        from zennit.composites import EpsilonPlus, LayerMapComposite
        from zennit.rules import Epsilon, Pass, ZPlus
        from zennit.types import Activation, Linear

        if self.rule == "epsilon_plus":
            return EpsilonPlus(canonizers=[ResNetCanonizer()])
        if self.rule == "epsilon":
            rule, pool_rule = Epsilon(epsilon=0.01), Epsilon(epsilon=0.01 / math.sqrt(SUMPOOL_AREA))
        else:
            # lrp's SumPool alphabeta keeps the toolbox's 1e-16 stabiliser in either
            # convention (on S, so 1e-16 / sqrt(area) on this module's output).
            rule, pool_rule = ZPlus(), ZPlus(stabilizer=1e-16 / math.sqrt(SUMPOOL_AREA))
        # Linear covers the convolutions.
        return LayerMapComposite([(Activation, Pass()), (Linear, rule), (sumpool_class(self.torch), pool_rule)])

    def lrp_call(self, f32=False):
        net, x = (self.net32, self.x_lrp32) if f32 else (self.net, self.x_lrp)
        if self.rule == "epsilon_plus":
            r = net.explain(x, self.classes)
        elif self.rule == "epsilon":
            r = net.explain(x, self.classes, rule="epsilon", param=0.01)
        else:
            r = net.explain(x, self.classes, rule="alphabeta", param=1.0)
        return r.transpose(0, 3, 1, 2) if self.channels_last else r

    def zennit_call(self, dtype):
        torch = self.torch
        model, x, onehot = self.models[dtype]
        x = x.detach().requires_grad_(True)
        y = model(x)
        (r,) = torch.autograd.grad(y, x, grad_outputs=y.detach() * onehot)
        return r

    def close(self):
        for c in self.handles:
            c.remove()


def make_workloads(torch):
    """(name, builder) of every workload, cheapest first; builders return a Workload."""
    golden = os.path.join(ARGS.shared, "golden")
    onnx_dir = os.path.join(ARGS.shared, "golden-onnx")
    torch.manual_seed(18)
    out = []

    def toolbox_style(net_fn, x_fn, label):
        def build(rule, batch):
            net = net_fn()
            x = x_fn(batch)
            model = torch_from_lrp(torch, net, x.shape[1:])
            return Workload(f"{label} B={batch} {rule}", torch, net, model, x, rule, True)
        return build

    lenet = toolbox_style(lambda: lrp.Network.read(os.path.join(golden, "lenet5.txt")),
                          lambda b: lenet_inputs(b).transpose(0, 3, 1, 2).copy(), "LeNet-5")
    cnn = toolbox_style(cnn64_lrp, lambda b: normal_images(b, 3, 64, 64, 7), "cnn64")
    for batch in (1, 64, 256):
        for rule in ("epsilon", "alpha1beta0"):
            out.append((f"LeNet-5 B={batch} {rule}", batch >= 256, lambda r=rule, b=batch: lenet(r, b)))
    for batch in (1, 64):
        for rule in ("epsilon", "alpha1beta0"):
            out.append((f"cnn64 B={batch} {rule}", False, lambda r=rule, b=batch: cnn(r, b)))

    def resnet_tiny(batch):
        path = os.path.join(onnx_dir, "resnet_tiny.onnx")
        model = resnet_tiny_torch(torch, path)
        net = lrp.Network.read(path)
        return with_composite(f"golden-onnx resnet_tiny B={batch} epsilon_plus", net, model,
                              normal_images(batch, 3, 64, 64, 64))

    def resnet18(batch):
        import torchvision

        torch.manual_seed(18)
        model = torchvision.models.resnet18(weights=None).double().eval()
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eps = float(np.float32(m.eps))
        x = normal_images(batch, 3, 224, 224, 224)
        # The BatchNorm nodes kept, for lrp's canonizer to merge them as zennit's does.
        net = lrp.from_torch(model, torch.from_numpy(x), keep_batchnorm=True)
        return with_composite(f"ResNet-18 224x224 B={batch} epsilon_plus", net, model, x)

    def with_composite(name, net, model, x):
        return Workload(name, torch, net, model, x, "epsilon_plus", False)

    for batch in (1, 16):
        out.append((f"golden-onnx resnet_tiny B={batch} epsilon_plus", batch >= 16,
                    lambda b=batch: resnet_tiny(b)))
    for batch in (1, 16):
        out.append((f"ResNet-18 224x224 B={batch} epsilon_plus", batch >= 16,
                    lambda b=batch: resnet18(b)))
    return out


# ---------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------


def timed(fn, reps):
    """Seconds per call of `fn` over `reps` calls back to back."""
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t) / reps


def measure(w, runs):
    """Warm-up (its maps are compared), then `runs` interleaved runs of the four; medians."""
    calls = {
        "lrp": w.lrp_call,
        "lrp f32": lambda: w.lrp_call(f32=True),
        "zennit f64": lambda: w.zennit_call(w.torch.float64),
        "zennit f32": lambda: w.zennit_call(w.torch.float32),
    }
    maps, reps = {}, {}
    for key, fn in calls.items():
        t = time.perf_counter()
        m = fn()
        # The maps as float64 numpy arrays (outside the timed calls).
        maps[key] = m.astype(np.float64) if isinstance(m, np.ndarray) else m.double().numpy()
        first = time.perf_counter() - t
        # Short calls repeat within a run so that a run lasts about 50 ms.
        reps[key] = max(1, min(200, int(0.05 / max(first, 1e-6))))
    times = {key: [] for key in calls}
    for _ in range(runs):
        for key, fn in calls.items():
            gc.collect()
            # The other library's idle threads spin for a while after its call (OpenMP's
            # and rayon's wait policies) and would take cores from this one on a small
            # machine: let them go to sleep first.
            time.sleep(0.05)
            times[key].append(timed(fn, reps[key]))
    ref = maps["lrp"]
    scale = np.abs(ref).max()
    if not np.isfinite(ref).all() or scale == 0:
        die(f"{w.name}: lrp's map is {'not finite' if scale else 'zero'}", 1)
    diff = {k: float(np.abs(maps[k] - ref).max() / scale)
            for k in ("zennit f64", "zennit f32", "lrp f32")}
    return ({k: float(np.median(v)) for k, v in times.items()},
            {k: float(np.min(v)) for k, v in times.items()}, diff)


# ---------------------------------------------------------------------------------------
# Peak memory (a subprocess per library)
# ---------------------------------------------------------------------------------------


def rss_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def peak_child(which):
    """In the subprocess: explain cnn64 B=256 with epsilon once (after a warm-up at B=1 so
    that libraries and thread pools are loaded); print RSS before, the call's peak and the
    process's (kB)."""
    batch = 256
    net = cnn64_lrp()
    x = normal_images(batch, 3, 64, 64, 7)
    if which in ("lrp", "lrp-f32"):
        x_lrp = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
        del x
        if which == "lrp-f32":
            net.set_precision("f32")
            x_lrp = x_lrp.astype(np.float32)
        classes = np.zeros(batch, dtype=np.int32)
        net.explain(x_lrp[:1], classes[:1], rule="epsilon", param=0.01)

        def call():
            return net.explain(x_lrp, classes, rule="epsilon", param=0.01)
    else:
        torch = import_torch()
        dtype = torch.float64 if which == "zennit-f64" else torch.float32
        model = torch_from_lrp(torch, net, (3, 64, 64)).to(dtype)
        del net
        from zennit.composites import LayerMapComposite
        from zennit.rules import Epsilon, Pass
        from zennit.types import Activation, Linear

        LayerMapComposite([(Activation, Pass()), (Linear, Epsilon(epsilon=0.01))]).register(model)
        xt = torch.from_numpy(x).to(dtype)
        del x

        def run(xb):
            xb = xb.detach().requires_grad_(True)
            y = model(xb)
            onehot = torch.zeros_like(y)
            onehot[:, 0] = 1.0
            (r,) = torch.autograd.grad(y, xb, grad_outputs=y.detach() * onehot)
            return r

        run(xt[:1])

        def call():
            return run(xt)
    gc.collect()
    before = rss_kb("VmRSS")
    setup_peak = rss_kb("VmHWM")
    # Reset the high-water mark (Linux: 5 to clear_refs) so the peak is the call's.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    r = call()
    peak = rss_kb("VmHWM")
    # The process's own peak: VmHWM (ru_maxrss would hold the parent's, as it survives exec).
    print(f"{before} {peak} {max(setup_peak, peak)} {r.shape[0]}")


def measure_peaks():
    out = {}
    for which in ("lrp", "lrp-f32", "zennit-f64", "zennit-f32"):
        cmd = [sys.executable, os.path.abspath(__file__), "--threads", str(ARGS.threads),
               "--shared", ARGS.shared, "--peak", which]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            die(f"peak memory of {which} failed:\n{p.stderr}", 1)
        before, peak, process_peak, n = map(int, p.stdout.split()[-4:])
        if n != 256:
            die(f"peak memory of {which}: map of {n} samples, expected 256", 1)
        out[which] = (before, peak, process_peak)
        print(f"measured peak memory of {which}", file=sys.stderr)
    return out


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 2**20:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}{mem}"


def fmt_time(s):
    return f"{s * 1e3:.2f} ms" if s < 0.01 else f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"


def lead(t, peer, ours="lrp"):
    """lrp's lead over `peer`: the peer's time over lrp's (`ours`: "lrp" f64 or "lrp f32"),
    in bold where below 1."""
    x = t[peer] / t[ours]
    return f"{x:.2f}x" if x >= 1 else f"**{x:.2f}x**"


def main():
    if ARGS.peak:
        peak_child(ARGS.peak)
        return
    torch = import_torch()
    from importlib.metadata import version

    runs = 3 if ARGS.quick else ARGS.runs
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    rows, failures = [], []
    for name, big, build in make_workloads(torch):
        if ARGS.only and not any(word in name for word in ARGS.only):
            continue
        if ARGS.quick and big:
            continue
        w = build()
        t, best, diff = measure(w, runs)
        w.close()
        del w
        gc.collect()
        rows.append((name, t, best, diff))
        print(f"measured {name}: lrp {fmt_time(t['lrp'])}, lrp f32 {fmt_time(t['lrp f32'])}, "
              f"zennit f64 {fmt_time(t['zennit f64'])}, f32 {fmt_time(t['zennit f32'])}",
              file=sys.stderr)
        tol64 = TOL_F64_RESNET if "epsilon_plus" in name else TOL_F64
        for key, tol in (("zennit f64", tol64), ("zennit f32", TOL_F32), ("lrp f32", TOL_F32)):
            if not diff[key] <= tol:
                failures.append(f"{name}: {key}'s map differs from lrp's by {diff[key]:.3g} "
                                f"of its largest value (tolerance {tol:g})")
    want_memory = not ARGS.no_memory and (not ARGS.only or any("memory" in w for w in ARGS.only))
    peaks = measure_peaks() if want_memory else None
    load_after = os.getloadavg()

    command = "RAYON_NUM_THREADS={} {} {}".format(
        ARGS.threads, os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(ROOT) else sys.executable,
        " ".join(shlex.quote(a) for a in [os.path.relpath(os.path.abspath(__file__), ROOT)] + sys.argv[1:]))
    header = (
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}; load average "
        f"{load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end (1 min; the "
        f"machine is shared). lrp {lrp.__version__} (f64, and f32 with set_precision('f32') "
        f"on float32 data), zennit {version('zennit')} on "
        f"PyTorch {torch.__version__} (CPU), numpy {np.__version__}, Python "
        f"{platform.python_version()}; {ARGS.threads} threads each (PyTorch's with "
        f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}); forward + one LRP pass "
        f"of each sample's top class, median of {runs} runs after a warm-up, all four "
        f"interleaved in one process. Command: `make bench-peers` "
        f"(`{command}`)."
    )
    lines = [
        # Wrapped as the README's paragraphs are; inline code is not broken.
        textwrap.fill(header, 92, break_long_words=False, break_on_hyphens=False),
        "",
        "| workload | zennit f64 | zennit f32 | lrp f64 | lrp f32 | lrp f64 over zennit f64 | "
        "lrp f32 over zennit f32 | lrp f64 over zennit f32 | max difference to lrp f64 "
        "(zennit f64 / zennit f32 / lrp f32) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, t, _, diff in rows:
        lines.append(f"| {name} | {fmt_time(t['zennit f64'])} | {fmt_time(t['zennit f32'])} | "
                     f"{fmt_time(t['lrp'])} | {fmt_time(t['lrp f32'])} | {lead(t, 'zennit f64')} | "
                     f"{lead(t, 'zennit f32', 'lrp f32')} | {lead(t, 'zennit f32')} | "
                     f"{diff['zennit f64']:.1e} / {diff['zennit f32']:.1e} / {diff['lrp f32']:.1e} |")
    lines += [
        "",
        f"Max difference: max |other - lrp f64| / max |lrp f64| over the map (tolerance "
        f"{TOL_F64:g} for zennit f64, {TOL_F64_RESNET:g} on the ResNets, {TOL_F32:g} for the "
        f"f32 maps). A lead below 1.00x (bold) is zennit faster.",
        "",
        f"The same run's fastest of the {runs} runs (less sensitive to the machine's other "
        "work than the median):",
        "",
        "| workload | zennit f64 | zennit f32 | lrp f64 | lrp f32 | lrp f64 over zennit f64 | "
        "lrp f32 over zennit f32 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, _, t, _ in rows:
        lines.append(f"| {name} | {fmt_time(t['zennit f64'])} | {fmt_time(t['zennit f32'])} | "
                     f"{fmt_time(t['lrp'])} | {fmt_time(t['lrp f32'])} | {lead(t, 'zennit f64')} | "
                     f"{lead(t, 'zennit f32', 'lrp f32')} |")
    if peaks:
        lines += [
            "",
            "Peak memory, cnn64 B=256 epsilon (input 24 MB in f64), each in a process of its own "
            "(after a B=1 warm-up):",
            "",
            "| library | resident before the call | peak during forward + LRP | "
            "increase | process's peak (VmHWM, setup included) |",
            "|---|---|---|---|---|",
        ]
        for key, label in (("lrp", "lrp f64"), ("lrp-f32", "lrp f32"), ("zennit-f64", "zennit f64"),
                           ("zennit-f32", "zennit f32")):
            before, peak, process_peak = peaks[key]
            lines.append(f"| {label} | {before / 2**20:.2f} GB | {peak / 2**20:.2f} GB | "
                         f"{(peak - before) / 2**20:.2f} GB | {process_peak / 2**20:.2f} GB |")
    text = "\n".join(lines) + "\n"
    print(text)
    if ARGS.out:
        with open(ARGS.out, "w", encoding="utf-8") as f:
            f.write(text)
    if failures:
        for f in failures:
            print(f"FAIL {f}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
