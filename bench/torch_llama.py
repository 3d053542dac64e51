#!/usr/bin/env python3
"""An independent PyTorch implementation of trigscope's Llama forward and steering step, for timing.

Plain torch (no transformers): the CPU bench machine has only Debian's python3-torch 1.13. It computes
what trigscope computes (src/model/forward.ts, src/model/loss.ts):

  forward   logits [B,T,V] (read back to the host) over a left-padded batch: additive attention bias (causal and key mask,
            MASK_VALUE = -1e9), RoPE from per-token position ids (HF rotate_half convention), GQA,
            RMSNorm, SwiGLU MLP.
  steering  vector v [D] (requires_grad) added as v * positionMask at blocks.{layer}.hook_resid_post,
            the later layers, the final norm, the unembedding of the positions that predict response
            tokens only, and the token-mean cross-entropy of the response; loss.backward().
  lora      LoRA adapters (random, std 0.02) on all seven projections of every layer, the weighted
            next-token cross-entropy of every position, and d loss / d adapters read back to the
            host (the base weights need no gradient): the gradient part of one LoRA training step.

Weights: an HF-layout safetensors file (a small reader of our own; F32/F16/BF16), or random weights
made on the device from a seed (--random-seed), for timing models too large to carry.

Prints one JSON object on stdout. Usage:
  python3 bench/torch_llama.py --inputs INPUTS.json [--weights W.safetensors | --random-seed S]
      [--device cpu|cuda] [--threads N] [--warmup N] [--runs N] [--logits-out FILE] [--ops forward,forward_device,steer,lora,train,train_sdpa,sae_check,sae_step,sae_step_rerun]
      [--sae DEC.safetensors]
INPUTS.json: {config: {vocabSize, dModel, nLayers, nHeads, nKvHeads, dHead, dMlp, normEps, ropeTheta,
tieEmbeddings}, batch, seqLen, ids, mask, positions, responseMask, positionMask, layer, vector}; the
train ops read targets [B*T] and weights [B*T] instead of responseMask..vector, the lora op these and
lora {rank, alpha}; the SAE ops
(sae_check: CE and dCE/dz at each of checkZ; sae_step: one timed supervised SAE-MELBO step (proximal),
layers 0..layer run once and the last layer queried at the predictor positions only, as trigscope
does it; sae_step_rerun: layers 0..layer every step and every position queried)
read z0, checkZ, lambda and lr besides responseMask, positionMask and layer.
"""

import argparse
import ctypes
import json
import math
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch

MASK_VALUE = -1e9

# ---------------------------------------------------------------------------------------- weights


def read_safetensors(path):
    """name -> float32 numpy array. Header length bounded; offsets checked against the file."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > 100_000_000 or 8 + n > len(blob):
        raise ValueError(f"{path}: header length {n} does not fit the file")
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    data = memoryview(blob)[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        if not (0 <= start <= end <= len(data)):
            raise ValueError(f"{path}: {name}: offsets {start}..{end} outside the data")
        raw = data[start:end]
        dt = info["dtype"]
        if dt == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif dt == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dt == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        else:
            raise ValueError(f"{path}: {name}: unsupported dtype {dt}")
        shape = info["shape"]
        if arr.size != math.prod(shape):
            raise ValueError(f"{path}: {name}: {arr.size} values for shape {shape}")
        out[name] = arr.reshape(shape)
    return out


def load_weights(path, cfg, device):
    try:
        from safetensors.numpy import load_file  # optional; our reader is the fallback

        host = {k: v.astype(np.float32) for k, v in load_file(path).items()}
        reader = "safetensors"
    except ImportError:
        host = read_safetensors(path)
        reader = "own"
    t = {k: torch.from_numpy(np.array(v, copy=True)).to(device) for k, v in host.items()}
    return params_from_hf(t, cfg), reader


def random_hf_weights(cfg, seed, device, std=0.02):
    """HF-named random weights generated on the device (for shapes too large to carry)."""
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    d, h, hkv, k, f, v = (cfg[x] for x in ("dModel", "nHeads", "nKvHeads", "dHead", "dMlp", "vocabSize"))

    def normal(*shape):
        return torch.randn(*shape, generator=g, device=device, dtype=torch.float32) * std

    def norm_w(n):
        return 1 + normal(n) * 10

    w = {"model.embed_tokens.weight": normal(v, d), "model.norm.weight": norm_w(d)}
    for i in range(cfg["nLayers"]):
        p = f"model.layers.{i}"
        w[f"{p}.input_layernorm.weight"] = norm_w(d)
        w[f"{p}.post_attention_layernorm.weight"] = norm_w(d)
        w[f"{p}.self_attn.q_proj.weight"] = normal(h * k, d)
        w[f"{p}.self_attn.k_proj.weight"] = normal(hkv * k, d)
        w[f"{p}.self_attn.v_proj.weight"] = normal(hkv * k, d)
        w[f"{p}.self_attn.o_proj.weight"] = normal(d, h * k)
        w[f"{p}.mlp.gate_proj.weight"] = normal(f, d)
        w[f"{p}.mlp.up_proj.weight"] = normal(f, d)
        w[f"{p}.mlp.down_proj.weight"] = normal(d, f)
    if not cfg.get("tieEmbeddings", False):
        w["lm_head.weight"] = normal(v, d)
    return params_from_hf(w, cfg)


def params_from_hf(t, cfg):
    layers = []
    for i in range(cfg["nLayers"]):
        p = f"model.layers.{i}"
        layers.append(
            {
                "ln1": t[f"{p}.input_layernorm.weight"],
                "ln2": t[f"{p}.post_attention_layernorm.weight"],
                "wq": t[f"{p}.self_attn.q_proj.weight"],
                "wk": t[f"{p}.self_attn.k_proj.weight"],
                "wv": t[f"{p}.self_attn.v_proj.weight"],
                "wo": t[f"{p}.self_attn.o_proj.weight"],
                "wg": t[f"{p}.mlp.gate_proj.weight"],
                "wu": t[f"{p}.mlp.up_proj.weight"],
                "wd": t[f"{p}.mlp.down_proj.weight"],
            }
        )
    embed = t["model.embed_tokens.weight"]
    unembed = embed if cfg.get("tieEmbeddings", False) else t["lm_head.weight"]
    return {"embed": embed, "layers": layers, "norm": t["model.norm.weight"], "unembed": unembed}


# ---------------------------------------------------------------------------------------- model


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope_tables(cfg, positions):
    """cos/sin [B,1,T,K] as transformers computes them in float32."""
    k = cfg["dHead"]
    dev = positions.device
    inv_freq = 1.0 / (cfg["ropeTheta"] ** (torch.arange(0, k, 2, dtype=torch.int64, device=dev).float() / k))
    freqs = positions.float()[:, :, None] * inv_freq[None, None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos()[:, None], emb.sin()[:, None]


def attention_bias(mask):
    """[B,1,T,T]: 0 where query t may see key s (s <= t and key real), MASK_VALUE elsewhere."""
    b, t = mask.shape
    causal = torch.ones(t, t, dtype=torch.bool, device=mask.device).tril()
    ok = causal[None] & mask[:, None, :].bool()
    zero = torch.zeros((), device=mask.device)
    return torch.where(ok, zero, torch.full((), MASK_VALUE, device=mask.device))[:, None]


def lin(x, p, target, key):
    """x @ W^T, plus s * (x @ A^T) @ B^T where the layer carries a LoRA adapter on `target`
    (p["lora"][target] = (A [r, in], B [out, r], s), peft's layout)."""
    y = x @ p[key].t()
    ad = p.get("lora", {}).get(target)
    if ad is None:
        return y
    a, b, scale = ad
    return y + scale * ((x @ a.t()) @ b.t())


def block(cfg, p, x, cos, sin, bias, sdpa=False, qwin=None):
    """qwin (start, end): queries, attention output and MLP at those positions only (keys/values at
    every position); the output has end - start positions."""
    b, t, _ = x.shape
    h, hkv, k = cfg["nHeads"], cfg["nKvHeads"], cfg["dHead"]
    n = rms_norm(x, p["ln1"], cfg["normEps"])
    if qwin is not None:
        a, e = qwin
        xq, nq, cq, sq, bias = x[:, a:e], n[:, a:e], cos[:, :, a:e], sin[:, :, a:e], bias[:, :, a:e]
    else:
        xq, nq, cq, sq = x, n, cos, sin
    tq = xq.shape[1]
    q = lin(nq, p, "q", "wq").view(b, tq, h, k).transpose(1, 2)
    kk = lin(n, p, "k", "wk").view(b, t, hkv, k).transpose(1, 2)
    v = lin(n, p, "v", "wv").view(b, t, hkv, k).transpose(1, 2)
    q = q * cq + rotate_half(q) * sq
    kk = kk * cos + rotate_half(kk) * sin
    g = h // hkv
    if g > 1:  # HF repeat_kv: query head i reads KV head i // g
        kk = kk.repeat_interleave(g, dim=1)
        v = v.repeat_interleave(g, dim=1)
    if sdpa:
        z = torch.nn.functional.scaled_dot_product_attention(q, kk, v, attn_mask=bias)
    else:
        scores = (q @ kk.transpose(-1, -2)) * (1.0 / math.sqrt(k)) + bias
        z = torch.softmax(scores, dim=-1) @ v
    mid = xq + lin(z.transpose(1, 2).reshape(b, tq, h * k), p, "o", "wo")
    n2 = rms_norm(mid, p["ln2"], cfg["normEps"])
    gate = lin(n2, p, "gate", "wg")
    up = lin(n2, p, "up", "wu")
    return mid + lin(torch.nn.functional.silu(gate) * up, p, "down", "wd")


def run_layers(cfg, params, x, cos, sin, bias, start, stop, sdpa=False):
    for layer in range(start, stop):
        x = block(cfg, params["layers"][layer], x, cos, sin, bias, sdpa)
    return x


def forward_logits(cfg, params, ids, cos, sin, bias, sdpa=False):
    x = params["embed"][ids]
    x = run_layers(cfg, params, x, cos, sin, bias, 0, cfg["nLayers"], sdpa)
    return rms_norm(x, params["norm"], cfg["normEps"]) @ params["unembed"].t()


def steering_step(cfg, params, ids, cos, sin, bias, layer, vector, pos_mask, rows, targets):
    """Response cross-entropy with v added at resid_post of `layer`; returns (loss, d loss / d v)."""
    v = vector.detach().clone().requires_grad_(True)
    x = params["embed"][ids]
    x = run_layers(cfg, params, x, cos, sin, bias, 0, layer + 1)  # no graph: nothing requires grad
    x = x + pos_mask * v
    x = run_layers(cfg, params, x, cos, sin, bias, layer + 1, cfg["nLayers"])
    final = rms_norm(x, params["norm"], cfg["normEps"])
    picked = final.reshape(-1, final.shape[-1]).index_select(0, rows)
    logp = torch.log_softmax(picked @ params["unembed"].t(), dim=-1)
    loss = -logp.gather(1, targets[:, None]).mean()
    loss.backward()
    return loss.detach(), v.grad


def sae_step_fn(cfg, params, ids, cos, sin, bias, layer, pos_mask, rows, targets, dec, z0, lam, lr, rerun_prefix, qwin=None):
    """One supervised SAE-MELBO step (src/methods/supervised-sae-melbo.ts, first vector: no earlier
    vectors to project off): z [M] requires grad, delta = z @ dec (dec [M,D], unit rows), added x the
    user mask at resid_post of `layer`, later layers, response CE; backward (dCE/dz = dec @
    dCE/ddelta); the proximal step z <- soft(z - lr*dCE/dz, lr*lam) for lam*|z|_1. Layers 0..layer (no vector in
    them) run once, as supervisedSaeMelbo runs them, or every step with rerun_prefix; with qwin the
    last layer queries only the predictor positions (rows must index that window). Returns a
    closure -> CE."""
    z = z0.detach().clone().requires_grad_(True)

    def prefix():
        with torch.no_grad():
            return run_layers(cfg, params, params["embed"][ids], cos, sin, bias, 0, layer + 1)

    held = None if rerun_prefix else prefix()

    def step():
        z.grad = None
        x = prefix() if rerun_prefix else held
        ce = steered_ce(cfg, params, x, cos, sin, bias, layer, z @ dec, pos_mask, rows, targets, qwin)
        ce.backward()
        with torch.no_grad():
            u = z - lr * z.grad
            z.copy_(torch.sign(u) * torch.clamp(u.abs() - lr * lam, min=0))
        return ce.item()

    return step


def steered_ce(cfg, params, resid, cos, sin, bias, layer, delta, pos_mask, rows, targets, qwin=None):
    """Token-mean response CE with delta [D] added x pos_mask to `resid` (resid_post of `layer`).
    qwin (start, end): the last layer queries only those positions; `rows` then index [B, end - start]."""
    x = resid + pos_mask * delta
    last = cfg["nLayers"] - 1
    x = run_layers(cfg, params, x, cos, sin, bias, layer + 1, last if qwin else last + 1)
    if qwin:
        x = block(cfg, params["layers"][last], x, cos, sin, bias, qwin=qwin)
    final = rms_norm(x, params["norm"], cfg["normEps"])
    picked = final.reshape(-1, final.shape[-1]).index_select(0, rows)
    logp = torch.log_softmax(picked @ params["unembed"].t(), dim=-1)
    return -logp.gather(1, targets[:, None]).mean()


def sae_grads(cfg, params, ids, cos, sin, bias, layer, pos_mask, rows, targets, dec, zs):
    """For each z: the response CE at delta = z @ dec and dCE/dz (no L1 term)."""
    out = []
    with torch.no_grad():
        resid = run_layers(cfg, params, params["embed"][ids], cos, sin, bias, 0, layer + 1)
    for z0 in zs:
        z = z0.detach().clone().requires_grad_(True)
        ce = steered_ce(cfg, params, resid, cos, sin, bias, layer, z @ dec, pos_mask, rows, targets)
        ce.backward()
        out.append({"loss": ce.item(), "grad": z.grad.tolist()})
    return out


def trainable(params):
    """A copy of `params` whose tensors are leaves with requires_grad (a tied unembedding stays the
    embedding tensor), and the list of distinct leaves."""
    leaves = {}

    def leaf(x):
        if id(x) not in leaves:
            leaves[id(x)] = x.detach().clone().requires_grad_(True)
        return leaves[id(x)]

    out = {
        "embed": leaf(params["embed"]),
        "layers": [{k: leaf(w) for k, w in layer.items()} for layer in params["layers"]],
        "norm": leaf(params["norm"]),
        "unembed": leaf(params["unembed"]),
    }
    return out, list(leaves.values())


def train_step_fn(cfg, params, ids, cos, sin, bias, targets, weights, sdpa=False):
    """A closure running one training step; returns (loss, grad norm before clipping) as floats."""
    p, leaves = trainable(params)
    groups = [
        {"params": [w for w in leaves if w.ndim >= 2], "weight_decay": 0.1},
        {"params": [w for w in leaves if w.ndim < 2], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    v = cfg["vocabSize"]

    def step():
        opt.zero_grad(set_to_none=True)
        logits = forward_logits(cfg, p, ids, cos, sin, bias, sdpa)
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, v), targets, reduction="none")
        loss = (nll * weights).sum()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(leaves, 1.0)
        opt.step()
        return loss.item(), norm.item()  # the read-back, as trigscope's trainer reads both

    return step, sum(w.numel() for w in leaves)


LORA_TARGETS = (("q", "wq"), ("k", "wk"), ("v", "wv"), ("o", "wo"), ("gate", "wg"), ("up", "wu"), ("down", "wd"))


def lora_step_fn(cfg, params, ids, cos, sin, bias, targets, weights, rank, alpha, seed):
    """A closure computing one LoRA training loss and d loss / d (A, B) of adapters on all seven
    projections of every layer (random, std 0.02, seeded), the gradients read back to the host as
    trigscope's trainer reads them; the base weights need no gradient."""
    gen = torch.Generator(device=ids.device).manual_seed(seed)
    adapters, layers = [], []
    for layer in params["layers"]:
        lora = {}
        for target, key in LORA_TARGETS:
            out_dim, in_dim = layer[key].shape
            a = (torch.randn(rank, in_dim, generator=gen, device=ids.device) * 0.02).requires_grad_(True)
            b = (torch.randn(out_dim, rank, generator=gen, device=ids.device) * 0.02).requires_grad_(True)
            lora[target] = (a, b, alpha / rank)
            adapters += [a, b]
        layers.append({**layer, "lora": lora})
    p = {**params, "layers": layers}
    v = cfg["vocabSize"]

    def step():
        logits = forward_logits(cfg, p, ids, cos, sin, bias)
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, v), targets, reduction="none")
        loss = (nll * weights).sum()
        grads = torch.autograd.grad(loss, adapters)
        host = [g.cpu() for g in grads]
        return loss.item(), len(host)

    return step, sum(w.numel() for w in adapters)


# ---------------------------------------------------------------------------------------- timing


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(fn, device, warmup, runs):
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "runs_ms": times}


def blas_info():
    """Which BLAS torch's libblas.so.3 resolves to (Debian's torch calls the generic libblas.so.3)."""
    info = {"torch_blas": torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0]}
    try:
        lib = ctypes.CDLL("libblas.so.3")
        get = lib.openblas_get_config
        get.restype = ctypes.c_char_p
        core = lib.openblas_get_corename
        core.restype = ctypes.c_char_p
        info["libblas"] = get().decode()
        info["openblas_core"] = core().decode()
        info["openblas_threads"] = lib.openblas_get_num_threads()
    except (OSError, AttributeError):
        info["libblas"] = "not OpenBLAS (reference BLAS or none)"
    try:
        info["libblas_path"] = os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    except OSError:
        pass
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--weights")
    ap.add_argument("--random-seed", type=int)
    ap.add_argument("--device", default="cpu")
    ap.add_argument(
        "--threads",
        type=int,
        default=0,
        help="torch intra-op threads (0: torch's default). On the 2-core bench machine torch defaults "
        "to 1 and OpenBLAS runs each matmul on 2 threads: both cores work; 2 intra-op threads on top "
        "oversubscribe the cores (measured 2-3x slower)",
    )
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--ops", default="forward,steer")
    ap.add_argument("--logits-out", help="write the forward logits here (raw little-endian float32)")
    ap.add_argument("--sae", help="sae_step/sae_check ops: a safetensors file with the unit-row decoder 'dec' [M,D]")
    args = ap.parse_args()
    if (args.weights is None) == (args.random_seed is None):
        ap.error("give exactly one of --weights and --random-seed")

    device = args.device
    if device == "cpu":
        if args.threads:
            torch.set_num_threads(args.threads)
    else:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    torch.set_grad_enabled(True)

    with open(args.inputs) as f:
        spec = json.load(f)
    cfg = spec["config"]
    b, t = spec["batch"], spec["seqLen"]
    t0 = time.perf_counter()
    if args.weights:
        params, reader = load_weights(args.weights, cfg, device)
    else:
        params, reader = random_hf_weights(cfg, args.random_seed, device), "random"
    sync(device)
    load_ms = (time.perf_counter() - t0) * 1000

    ids = torch.tensor(spec["ids"], dtype=torch.int64, device=device).view(b, t)
    mask = torch.tensor(spec["mask"], dtype=torch.int64, device=device).view(b, t)
    positions = torch.tensor(spec["positions"], dtype=torch.int64, device=device).view(b, t)
    ops = args.ops.split(",")
    if "responseMask" in spec:  # the steering step's inputs
        resp = spec["responseMask"]
        rows, targets = [], []
        for i in range(b):
            for j in range(t):
                if resp[i * t + j]:
                    rows.append(i * t + j - 1)
                    targets.append(spec["ids"][i * t + j])
        rows = torch.tensor(rows, dtype=torch.int64, device=device)
        targets = torch.tensor(targets, dtype=torch.int64, device=device)
        pos_mask = torch.tensor(spec["positionMask"], dtype=torch.float32, device=device).view(b, t, 1)
        vector = torch.tensor(spec["vector"], dtype=torch.float32, device=device)
        layer = spec["layer"]
    elif "steer" in ops:
        ap.error("--ops steer needs responseMask, positionMask, layer and vector in the inputs")

    # Inputs (bias, RoPE tables) are built once outside the timed region, as trigscope's are on
    # the host; both sides time the model computation and the read-back of its results.
    cos, sin = rope_tables(cfg, positions)
    bias = attention_bias(mask)
    out = {
        "torch": torch.__version__,
        "device": device if device == "cpu" else torch.cuda.get_device_name(),
        "threads": torch.get_num_threads(),
        "weights": reader,
        "load_ms": load_ms,
        "tokens": b * t,
    }
    if "responseMask" in spec:
        out["response_tokens"] = len(targets)
    if device == "cpu":
        out["blas"] = blas_info()
        out["env"] = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")}
    else:
        out["tf32"] = torch.backends.cuda.matmul.allow_tf32

    def fwd():
        with torch.no_grad():
            return forward_logits(cfg, params, ids, cos, sin, bias)

    if "forward_device" in ops:  # logits left on the device
        out["forward_device"] = timed(fwd, device, args.warmup, args.runs)

    if "forward" in ops:  # logits read back to the host, as trigscope's runWithCache returns them
        out["forward"] = timed(lambda: fwd().cpu(), device, args.warmup, args.runs)
        logits = fwd().float()
        out["logits_abs_mean"] = logits.abs().mean().item()
        if args.logits_out:
            logits.cpu().numpy().astype("<f4").tofile(args.logits_out)
        del logits

    if "steer" in ops:

        def step():
            loss, grad = steering_step(cfg, params, ids, cos, sin, bias, layer, vector, pos_mask, rows, targets)
            return loss.item(), grad  # .item() is the read-back (and the sync on cuda)

        out["steer"] = timed(step, device, args.warmup, args.runs)
        loss, grad = step()
        out["loss"] = loss
        out["grad"] = grad.cpu().tolist() if grad.numel() <= 8192 else None
        out["grad_norm"] = grad.norm().item()
        if device.startswith("cuda"):
            out["max_memory_gib"] = torch.cuda.max_memory_allocated() / 2**30

    if any(op in ops for op in ("sae_step", "sae_step_rerun", "sae_check")):
        # The SAE ops read sae (the decoder file), z0 [M], lambda, lr and check_z [[M], ...].
        dec = torch.from_numpy(np.array(read_safetensors(args.sae)["dec"], copy=True)).to(device)
        if "sae_check" in ops:
            zs = [torch.tensor(z, dtype=torch.float32, device=device) for z in spec["checkZ"]]
            out["sae_check"] = sae_grads(cfg, params, ids, cos, sin, bias, layer, pos_mask, rows, targets, dec, zs)
        # The predictor positions' window, and the response rows re-indexed into it.
        pred = [(r // t, r % t) for r in rows.tolist()]
        lo, hi = min(p for _, p in pred), max(p for _, p in pred) + 1
        win_rows = torch.tensor([i * (hi - lo) + p - lo for i, p in pred], dtype=torch.int64, device=device)
        out["predictor_window"] = [lo, hi]
        for op in ("sae_step", "sae_step_rerun"):
            if op not in ops:
                continue
            z0 = torch.tensor(spec["z0"], dtype=torch.float32, device=device)
            rerun = op == "sae_step_rerun"
            step = sae_step_fn(
                cfg, params, ids, cos, sin, bias, layer, pos_mask, rows if rerun else win_rows, targets, dec, z0,
                spec["lambda"], spec["lr"], rerun_prefix=rerun, qwin=None if rerun else (lo, hi),
            )
            out[op] = timed(step, device, args.warmup, args.runs)

    if "lora" in ops:  # spec: targets, weights [B*T] and lora {rank, alpha}
        lt = torch.tensor(spec["targets"], dtype=torch.int64, device=device)
        lw = torch.tensor(spec["weights"], dtype=torch.float32, device=device)
        lc = spec["lora"]
        step, n_params = lora_step_fn(
            cfg, params, ids, cos, sin, bias, lt, lw, lc["rank"], lc["alpha"], args.random_seed or 0
        )
        timing = timed(step, device, args.warmup, args.runs)
        timing.update({"loss": step()[0], "parameters": n_params})
        if device.startswith("cuda"):
            timing["max_memory_gib"] = torch.cuda.max_memory_allocated() / 2**30
        out["lora"] = timing
        del step

    for op in ("train", "train_sdpa"):
        if op not in ops:
            continue
        sdpa = op == "train_sdpa"
        if sdpa and not hasattr(torch.nn.functional, "scaled_dot_product_attention"):
            out[op] = None  # torch < 2.0
            continue
        train_targets = torch.tensor(spec["targets"], dtype=torch.int64, device=device)
        train_weights = torch.tensor(spec["weights"], dtype=torch.float32, device=device)
        step, n_params = train_step_fn(cfg, params, ids, cos, sin, bias, train_targets, train_weights, sdpa)
        if device.startswith("cuda"):
            torch.cuda.reset_peak_memory_stats()
        first = step()  # step 1 (also the first warm-up run): the loss and norm of the given weights
        timing = timed(step, device, max(0, args.warmup - 1), args.runs)
        last = step()
        timing.update(
            {
                "first_loss": first[0],
                "first_grad_norm": first[1],
                "last_loss": last[0],
                "parameters": n_params,
                "tokens_per_s": b * t / (timing["median_ms"] / 1000),  # batch x seqLen
            }
        )
        if device.startswith("cuda"):
            timing["max_memory_gib"] = torch.cuda.max_memory_allocated() / 2**30
        out[op] = timing
        del step

    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
