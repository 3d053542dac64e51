#!/usr/bin/env python3
"""How far transformers' own float32 numbers are from exact, for a checkpoint make_checkpoint.py wrote.

Reloads MODEL_DIR's bf16 weights as float64 on the CPU (eager attention, a different device and a
different summation order from the float32 GPU reference) and runs reference.json's prompts again.
Writes reference-f64.json beside it: the same slices as reference.json (the first 64 logit ids, the
logits at reference.json's top-8 ids, hook_resid_post's first dimensions and norm per layer) in float64,
and prints how far transformers' float32 reference is from them. A random deep model amplifies
float32 rounding from layer to layer; this measures how much for each architecture, so check.ts can
hold trigscope to transformers' own distance from exact rather than to a guess.

    python3 bench/real-size/float64_reference.py /tmp/gemma2-9b
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import json, sys, time  # noqa: E402,E401

import torch  # noqa: E402
from transformers import AutoModelForCausalLM  # noqa: E402

SLICE = 64


def max_rel_by_layer(first32, norms64, first64, mask):
    """Per layer: max |f32 - f64| over the stored dimensions, divided by the position's f64 norm."""
    out = []
    for layer32, layer64, norms in zip(first32, first64, norms64):
        worst = 0.0
        for b, (row32, row64) in enumerate(zip(layer32, layer64)):
            for pos, (x32, x64) in enumerate(zip(row32, row64)):
                if mask[b][pos] != 1:
                    continue
                d = max(abs(p - q) for p, q in zip(x32, x64))
                worst = max(worst, d / norms[b][pos])
        out.append(float(f"{worst:.2e}"))
    return out


def main():
    model_dir = sys.argv[1]
    ref = json.load(open(os.path.join(model_dir, "reference.json")))
    t0 = time.time()
    torch.set_num_threads(os.cpu_count() or 1)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float64, attn_implementation="eager").eval()
    load_s = time.time() - t0
    # Each prompt alone, unpadded: in float64 transformers' additive mask (finfo.min) overflows to -inf
    # on a padding row, whose softmax is NaN, and 0 × NaN then reaches the real positions through
    # attention. Real positions are laid back into reference.json's left-padded layout; padding stays 0.
    mask = torch.tensor(ref["attention_mask"])
    B, T = mask.shape
    logits = torch.zeros(B, T, model.config.vocab_size, dtype=torch.float64)
    resid = [torch.zeros(B, T, model.config.hidden_size, dtype=torch.float64)
             for _ in range(model.config.num_hidden_layers - 1)]
    t1 = time.time()
    with torch.no_grad():
        for b, row in enumerate(ref["prompt_ids"]):
            out = model(input_ids=torch.tensor([row]), output_hidden_states=True)
            logits[b, T - len(row):] = out.logits[0]
            for h, got in zip(resid, out.hidden_states[1:-1]):
                h[b, T - len(row):] = got[0]
    assert torch.isfinite(logits).all() and all(torch.isfinite(h).all() for h in resid), "non-finite logits"
    top8 = [[[row[i].item() for i in cell["ids"]] for row, cell in zip(logits[b], ref["logits_top8"][b])]
            for b in range(logits.shape[0])]
    f64 = {
        "arch": ref["arch"], "device": "cpu", "dtype": "float64", "torch": torch.__version__,
        "load_s": round(load_s, 1), "forward_s": round(time.time() - t1, 1),
        "logits_first_ids": logits[..., :SLICE].tolist(), "logits_at_top8_ids": top8,
        "resid_post_first": [h[..., :SLICE].tolist() for h in resid],
        "resid_post_norm": [h.norm(dim=-1).tolist() for h in resid],
    }
    m = ref["attention_mask"]
    first = max(abs(p - q) for b, row in enumerate(ref["logits_first_ids"]) for pos, xs in enumerate(row)
                if m[b][pos] == 1 for p, q in zip(xs, f64["logits_first_ids"][b][pos]))
    top = max(abs(p - q) for b, row in enumerate(ref["logits_top8"]) for pos, cell in enumerate(row)
              if m[b][pos] == 1 for p, q in zip(cell["values"], top8[b][pos]))
    f64["transformers_f32_vs_f64"] = {
        "max_abs_logit_diff_first64": first, "max_abs_logit_diff_top8": top,
        "resid_post_rel_diff_by_layer": max_rel_by_layer(ref["resid_post_first"], f64["resid_post_norm"],
                                                         f64["resid_post_first"], m)
        if ref.get("resid_post_first") else [],
    }
    with open(os.path.join(model_dir, "reference-f64.json"), "w") as f:
        json.dump(f64, f, allow_nan=False)
    print(json.dumps({"arch": ref["arch"], "load_s": f64["load_s"], "forward_s": f64["forward_s"],
                      **f64["transformers_f32_vs_f64"]}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
