#!/usr/bin/python3
"""FedAvg on a workload exported by fedspark, in a plain PyTorch loop (float64, one thread).

Usage: /usr/bin/python3 bench/pytorch_fedavg.py WORKLOAD_DIR [--out RESULT.json]

WORKLOAD_DIR is what `fedspark bench --pytorch` (or `--export-only`) writes: manifest.json and .npy
files holding every client's train/test rows, the clients sampled in each round, each sampled
client's row order in each local epoch, the initial model and the step sizes (see bench/README.md).
This script replays exactly that run:

  for each round t:
      for each sampled client k (n_k training rows):
          x_k <- x_t; local_epochs passes of minibatch SGD on softmax regression (mean cross-entropy
          over the batch, weight decay on W only), rows in the exported order
      x_{t+1} = x_t + server_lr[t] * sum_k n_k (x_k - x_t) / sum_k n_k
      at the evaluation rounds: every client's test accuracy and loss under x_{t+1}

and prints one JSON object: the accuracies and losses per evaluated round (the columns of fedspark's
metrics.csv) and the time it spent loading the workload, in the round loop and evaluating, and its
peak resident set size.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

T_START = time.perf_counter()

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the bench checks this first; a direct user gets the same one line
    sys.exit(f"error: {sys.executable} cannot import {e.name}: install Debian's python3-torch "
             f"(apt-get install python3-torch, or bin/setup)")

FORMAT = "fedspark-fedavg-workload"
VERSION = 1


def load(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        sys.exit(f"error: {directory}/manifest.json is not a {FORMAT} version {VERSION} "
                 f"(format {manifest.get('format')!r}, version {manifest.get('version')!r})")
    arrays = {}
    for name, spec in manifest["files"].items():
        a = np.load(os.path.join(directory, spec["file"]))
        if list(a.shape) != list(spec["shape"]) or str(a.dtype) != spec["dtype"]:
            sys.exit(f"error: {spec['file']} has shape {a.shape} and type {a.dtype}, the manifest says "
                     f"{spec['shape']} {spec['dtype']}")
        arrays[name] = a
    return manifest, arrays


def split(x, y, offsets):
    """One (features, labels) pair of tensors per client: views into the loaded arrays."""
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y.astype(np.int64))
    return [(xt[offsets[c]:offsets[c + 1]], yt[offsets[c]:offsets[c + 1]]) for c in range(len(offsets) - 1)]


def evaluate(model, test):
    """fedspark's evaluation columns (EvalSummary): over clients with test rows, in id order."""
    accs, total, correct, loss = [], 0, 0, 0.0
    with torch.no_grad():
        for x, y in test:
            n = len(y)
            if n == 0:
                continue
            logits = model(x)
            c = int((logits.argmax(dim=1) == y).sum())  # argmax: the first maximum, as fedspark
            accs.append(c / n)
            total += n
            correct += c
            loss += float(F.cross_entropy(logits, y, reduction="sum"))
    if not accs:
        nan = float("nan")
        return dict.fromkeys(["personalized_acc_mean", "personalized_acc_weighted", "personalized_acc_std",
                              "personalized_acc_worst10", "personalized_loss", "global_acc", "global_loss"], nan)
    mean = 0.0
    for a in accs:
        mean += a
    mean /= len(accs)
    var = 0.0
    for a in accs:
        var += (a - mean) * (a - mean)
    k = max(1, math.ceil(0.1 * len(accs)))
    worst = 0.0
    for a in sorted(accs)[:k]:
        worst += a
    # FedAvg's personalized model is the global model: both sets of columns are the same figures
    return {"personalized_acc_mean": mean, "personalized_acc_weighted": correct / total,
            "personalized_acc_std": math.sqrt(var / len(accs)), "personalized_acc_worst10": worst / k,
            "personalized_loss": loss / total, "global_acc": correct / total, "global_loss": loss / total}


def peak_rss_bytes():
    """VmHWM of this process; ru_maxrss where there is no /proc (it may include the parent's, see below)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    # Linux keeps ru_maxrss across fork and exec, so started from a large process this can be the
    # parent's peak; VmHWM belongs to this process's own address space
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workload", help="directory written by fedspark bench --pytorch / --export-only")
    ap.add_argument("--out", help="also write the result JSON to this file")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)

    t0 = time.perf_counter()
    m, a = load(args.workload)
    train = split(a["train_x"], a["train_y"], a["train_offsets"])
    test = split(a["test_x"], a["test_y"], a["test_offsets"])
    sampled = a["sampled"]
    order = torch.from_numpy(a["batch_order"].astype(np.int64))
    order_off = a["order_offsets"]
    client_lr, server_lr = a["client_lr"], a["server_lr"]
    epochs, batch = m["local_epochs"], m["batch_size"]
    per_round = m["clients_per_round"]
    eval_rounds = set(m["eval_rounds"])

    model = torch.nn.Linear(m["features"], m["classes"], dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(a["init_W"]))
        model.bias.copy_(torch.from_numpy(a["init_b"]))
    global_w = model.weight.detach().clone()
    global_b = model.bias.detach().clone()
    load_seconds = time.perf_counter() - t0

    rows, eval_seconds = [], 0.0
    t_loop = time.perf_counter()
    for t in range(1, m["rounds"] + 1):
        lr = float(client_lr[t - 1])
        sum_w = torch.zeros_like(global_w)
        sum_b = torch.zeros_like(global_b)
        total = 0
        for j in range(per_round):
            cid = int(sampled[t - 1, j])
            x, y = train[cid]
            n = len(y)
            if n == 0:
                continue  # no training rows: a zero update of weight 0
            with torch.no_grad():
                model.weight.copy_(global_w)
                model.bias.copy_(global_b)
            opt = torch.optim.SGD([{"params": [model.weight], "weight_decay": m["weight_decay"]},
                                   {"params": [model.bias], "weight_decay": 0.0}],
                                  lr=lr, momentum=m["momentum"])
            slot = (t - 1) * per_round + j
            rows_order = order[order_off[slot]:order_off[slot + 1]]
            b = min(batch, n)
            for e in range(epochs):
                epoch = rows_order[e * n:(e + 1) * n]
                for s in range(0, n, b):
                    idx = epoch[s:s + b]
                    opt.zero_grad(set_to_none=True)
                    loss = F.cross_entropy(model(x[idx]), y[idx])
                    loss.backward()
                    opt.step()
            with torch.no_grad():
                sum_w += n * (model.weight - global_w)
                sum_b += n * (model.bias - global_b)
            total += n
        if total > 0:
            eta = float(server_lr[t - 1])
            global_w = global_w + eta * (sum_w / total)
            global_b = global_b + eta * (sum_b / total)
        if t in eval_rounds:
            e0 = time.perf_counter()
            with torch.no_grad():
                model.weight.copy_(global_w)
                model.bias.copy_(global_b)
            row = {"round": t}
            row.update(evaluate(model, test))
            rows.append(row)
            eval_seconds += time.perf_counter() - e0
    loop_seconds = time.perf_counter() - t_loop

    result = {
        "implementation": f"PyTorch {torch.__version__}, float64, {torch.get_num_threads()} thread",
        "python": sys.executable,
        "rounds": m["rounds"],
        "import_seconds": t0 - T_START,
        "load_seconds": load_seconds,
        "before_loop_seconds": t_loop - T_START,
        "loop_seconds": loop_seconds,
        "eval_seconds": eval_seconds,
        "train_seconds": loop_seconds - eval_seconds,
        "mean_round_seconds": (loop_seconds - eval_seconds) / m["rounds"],
        "mean_eval_seconds": eval_seconds / max(1, len(rows)),
        "peak_rss_bytes": peak_rss_bytes(),
        "metrics": rows,
    }
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
