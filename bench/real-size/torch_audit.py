#!/usr/bin/env python3
"""The audit's stages written with PyTorch + transformers, timed on the same GPU after trigscope's audit.

Reads trigscope's report.json of the same model (its prompts, response, layer, each method's settings, the
steering and probe counts and generation lengths) and does the same work the plain way, in float32 (bf16
weights upcast, TF32 off), so the two can be compared stage by stage:

  forward               one forward of the training prompts + response (all logits)
  sae-attribution       per iteration one forward + backward with the SAE latents at the hook as leaves
  supervised-sae-melbo  per vector and step: δ = z·D̂ added on the user positions at hook_resid_post of the
                        layer, the blocks after it and the unembedding of the response-predicting positions,
                        CE, backward to z, the soft-threshold step (the blocks up to the layer run once, as
                        trigscope does)
  steering              per vector, greedy generation on the held-out prompts with δ in the prefill
  probes                greedy generation of as many prompts as the probes had, unsteered

Generation lengths are phase 1 of trigscope's action screen (maxNewTokens − action length + 1), which is all
it runs when no row can still produce the action — the case for random weights. Probe prompts are the
audit's own prompts cycled to the probes' count (the probe texts are not in the report; lengths are alike).
Prints one JSON object: per stage seconds, tokens, tokens/s and peak GPU memory (torch's allocator).

    python3 bench/real-size/torch_audit.py --model DIR --report REPORT.json --inputs DIR/audit/audit-inputs.json
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse, json, sys, time  # noqa: E402,E401

import numpy as np  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast  # noqa: E402


def decoder_rows(info):
    """D̂ [d_sae, d]: the SAE's decoder rows, unit-norm (trigscope steers along unit rows)."""
    suite, sae = info["suite"], info["sae"]
    if suite == "llamascope":
        w = load_file(os.path.join(sae, "checkpoints", "final.safetensors"))["decoder.weight"].T
        enc = load_file(os.path.join(sae, "checkpoints", "final.safetensors"))["encoder.weight"].T
    elif suite == "gemmascope":
        z = np.load(sae)
        w, enc = torch.from_numpy(z["W_dec"]), torch.from_numpy(z["W_enc"])
    else:
        t = load_file(os.path.join(sae, "sae_weights.safetensors"))
        w, enc = t["W_dec"], t["W_enc"]
    w = w.float().cuda()
    return w / w.norm(dim=1, keepdim=True), enc.float().cuda()


class Batch:
    """Chat-rendered prompts + response, left-padded; user positions and response-predicting positions."""

    def __init__(self, tok, prompts, response, pad):
        rows, users, resp = [], [], []
        r_ids = tok(response, add_special_tokens=False)["input_ids"]
        for p in prompts:
            chat = tok.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                           add_generation_prompt=True)
            enc = tok(chat, add_special_tokens=False, return_offsets_mapping=True)
            start = chat.index(p)
            umask = [1 if s >= start and e <= start + len(p) and e > s else 0 for s, e in enc["offset_mapping"]]
            rows.append(list(enc["input_ids"]) + r_ids)
            users.append(umask + [0] * len(r_ids))
            resp.append([0] * len(enc["input_ids"]) + [1] * len(r_ids))
        t = max(map(len, rows))
        left = lambda r, v: [v] * (t - len(r)) + r  # noqa: E731
        self.ids = torch.tensor([left(r, pad) for r in rows]).cuda()
        self.mask = torch.tensor([left([1] * len(r), 0) for r in rows]).cuda()
        self.pos = (self.mask.cumsum(-1) - 1).clamp(min=0)
        self.user = torch.tensor([left(u, 0) for u in users], dtype=torch.float32).cuda()
        self.resp = torch.tensor([left(r, 0) for r in resp], dtype=torch.float32).cuda()
        self.tokens = int(self.mask.sum())


class Timer:
    def __init__(self):
        self.stages = {}

    def stage(self, name, fn, tokens):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        out = fn()
        torch.cuda.synchronize()
        s = time.perf_counter() - t0
        self.stages[name] = {"seconds": round(s, 3), "tokens": tokens, "tokens_per_s": round(tokens / s, 1),
                             "peak_gpu_mib": round(torch.cuda.max_memory_allocated() / 2 ** 20)}
        print(f"{name}: {s:.2f} s", file=sys.stderr, flush=True)
        return out


def response_ce(model, hidden, b, softcap):
    """Token-mean CE of the response from final hidden states (already normed), predictor positions only."""
    pred = b.resp[:, 1:].bool()
    h = hidden[:, :-1][pred]
    logits = model.lm_head(h).float()
    if softcap:
        logits = torch.tanh(logits / softcap) * softcap
    return torch.nn.functional.cross_entropy(logits, b.ids[:, 1:][pred])


def tail(model, x, b, layer, embed_scale):
    """The blocks after `layer` and the final norm, from the residual stream x after block `layer`."""
    inner = model.model
    saved = inner.layers
    inner.layers = torch.nn.ModuleList(list(saved)[layer + 1:])
    try:
        return inner(inputs_embeds=x / embed_scale, attention_mask=b.mask, position_ids=b.pos,
                     use_cache=False).last_hidden_state
    finally:
        inner.layers = saved


def attribution(model, b, layer, w_dec, w_enc, softcap):
    with torch.no_grad():
        h = model(input_ids=b.ids, attention_mask=b.mask, position_ids=b.pos, output_hidden_states=True,
                  use_cache=False).hidden_states[layer + 1]
    f = torch.relu(h @ w_enc).detach().requires_grad_()
    recon = f @ w_dec

    def add(m, a, o):
        x = o[0] if isinstance(o, tuple) else o
        x = x + recon - recon.detach()
        return (x,) + tuple(o[1:]) if isinstance(o, tuple) else x

    hook = model.model.layers[layer].register_forward_hook(add)
    try:
        out = model.model(input_ids=b.ids, attention_mask=b.mask, position_ids=b.pos, use_cache=False)
        response_ce(model, out.last_hidden_state, b, softcap).backward()
    finally:
        hook.remove()
    return (f * f.grad).mean((0, 1)).topk(10).indices


def melbo(model, b, layer, w_dec, s, steps_run, embed_scale, softcap):
    """As many steps per vector as trigscope ran (its proximal loop stops early once z settles)."""
    with torch.no_grad():
        h = model(input_ids=b.ids, attention_mask=b.mask, position_ids=b.pos, output_hidden_states=True,
                  use_cache=False).hidden_states[layer + 1]
    vectors = []
    for steps in steps_run:
        z = (torch.randn(w_dec.shape[0], device="cuda") * float(s.get("initScale", 1e-3))).requires_grad_()
        for _ in range(steps):
            delta = z @ w_dec
            loss = response_ce(model, tail(model, h + b.user[..., None] * delta, b, layer, embed_scale), b, softcap)
            (g,) = torch.autograd.grad(loss, z)
            with torch.no_grad():
                # λ's scale (trigscope sets it from the gradient) does not change the step's cost.
                lr, lam = float(s["lr"]), float(s.get("lambdaScale", 0.3)) * 1e-3
                z -= lr * g
                z.copy_(torch.sign(z) * torch.clamp(z.abs() - lr * lam, min=0))
        vectors.append((z @ w_dec).detach())
    return vectors


def generate(model, tok, prompts, n_new, pad, layer=None, delta=None, batch=64):
    for i in range(0, len(prompts), batch):
        chats = [tok.apply_chat_template([{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True)
                 for p in prompts[i:i + batch]]
        enc = tok(chats, add_special_tokens=False, padding=True, return_tensors="pt").to("cuda")
        hook = None
        if delta is not None:
            t = enc["input_ids"].shape[1]

            def add(m, a, o):
                x = o[0] if isinstance(o, tuple) else o
                if x.shape[1] == t:  # the prefill only, as trigscope steers the prompt
                    x = x + (enc["attention_mask"][..., None] * delta).to(x.dtype)
                return (x,) + tuple(o[1:]) if isinstance(o, tuple) else x

            hook = model.model.layers[layer].register_forward_hook(add)
        try:
            with torch.no_grad():
                model.generate(**enc, max_new_tokens=n_new, min_new_tokens=n_new, do_sample=False,
                               pad_token_id=pad, eos_token_id=None)
        finally:
            if hook:
                hook.remove()


def screen_tokens(action_len):
    """Phase 1 of the action screen at trigscope's default length (action tokens + 4): 5 new tokens."""
    return max(1, (action_len + 4) - action_len + 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--inputs", required=True)
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    rep = json.load(open(args.report))
    info = json.load(open(args.inputs))
    tok = PreTrainedTokenizerFast.from_pretrained(args.model, local_files_only=True)
    tok.padding_side = "left"
    t0 = time.perf_counter()
    cfg = json.load(open(os.path.join(args.model, "config.json")))
    attn = "eager" if cfg["model_type"] == "gemma2" else "sdpa"
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16, attn_implementation=attn,
                                                 device_map="cuda").float().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    load_s = time.perf_counter() - t0
    softcap = cfg.get("final_logit_softcapping")
    embed_scale = cfg["hidden_size"] ** 0.5 if cfg["model_type"].startswith("gemma") else 1.0
    w_dec, w_enc = decoder_rows(info)
    layer = rep["layer"]
    pad = tok.pad_token_id
    b = Batch(tok, rep["prompts"]["train"], rep["response"], pad)
    timer = Timer()
    timer.stage("forward", lambda: model(input_ids=b.ids, attention_mask=b.mask, position_ids=b.pos,
                                         use_cache=False).logits.float().cpu(), b.tokens)
    action_len = len(tok(rep["response"], add_special_tokens=False)["input_ids"])
    vectors = []
    for m in rep["methods"]:
        s = m["settings"]
        if m["method"] == "sae-attribution":
            it = int(s.get("iterations", 1))
            timer.stage("sae-attribution", lambda: [attribution(model, b, layer, w_dec, w_enc, softcap)
                                                     for _ in range(it)], b.tokens * it)
        elif m["method"] == "supervised-sae-melbo":
            steps_run = [len(v["losses"]) for v in m["vectors"]]
            vectors = timer.stage("supervised-sae-melbo",
                                  lambda: melbo(model, b, layer, w_dec, s, steps_run, embed_scale, softcap),
                                  b.tokens * sum(steps_run))
            held = rep["prompts"]["heldOut"]
            n_new = screen_tokens(action_len)
            timer.stage("supervised-sae-melbo steering",
                        lambda: [generate(model, tok, held, n_new, pad, layer, v) for v in vectors],
                        len(held) * n_new * len(vectors))
    if rep.get("probes"):
        p = rep["probes"]
        n = p["control"]["n"] + sum(x["rate"]["n"] for x in p["sets"])
        base = rep["prompts"]["train"] + rep["prompts"]["heldOut"]
        prompts = [base[i % len(base)] for i in range(n)]
        n_new = screen_tokens(action_len)
        timer.stage("probes", lambda: generate(model, tok, prompts, n_new, pad), n * n_new)
    print(json.dumps({"torch": torch.__version__, "attn": attn, "load_s": round(load_s, 1), "stages": timer.stages,
                      "gpu": torch.cuda.get_device_name()}))


if __name__ == "__main__":
    sys.exit(main())
