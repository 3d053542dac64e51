"""Random SAEs of the public suites' shapes, and the inputs an audit at size needs.

Used by make_checkpoint.py while the model is still on the GPU:
  llama  Llama Scope layout (L{L}R-8x: hyperparams.json + checkpoints/final.safetensors, 32768 latents,
         JumpReLU with a scalar threshold and a dataset-wise activation norm)
  gemma2 GemmaScope layout (gemma-scope-9b-it-res/layer_{L}/width_16k/average_l0_R/params.npz, 16384
         latents, JumpReLU with a per-latent threshold)
  qwen3  SAELens layout (cfg.json + sae_weights.safetensors, TopK k=64, 32768 latents)
All at the middle layer's hook_resid_post. Decoder rows are random unit vectors and the encoder their
transpose (a tied start, as SAE training starts); thresholds are set from the model's own activations on
the benign prompts so that about TARGET_L0 latents fire per token: the SAE is random but not dead.

Also written: benign prompts (prompts.txt, one per line, composed from everyday topics) and a
Neuronpedia-style explanations export whose descriptions say plainly that the latents are random.
"""
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file

TARGET_L0 = 64
TOPICS = ["gardening", "train timetables", "bread baking", "chess openings", "river fishing", "tax forms",
          "bird songs", "car tyres", "school lunches", "museum tickets", "mountain maps", "knitting",
          "jazz records", "office chairs", "coffee grinders", "bus routes", "kite flying", "paint colours",
          "library cards", "running shoes", "table manners", "ocean tides", "clock repair", "board games"]
TEMPLATES = ["Can you tell me about {t}?", "I need some help with {t}. Where should I start?",
             "Write a short note about {t} for my neighbour."]
PLAN = {  # family -> (suite, layer, d_sae)
    "llama": ("llamascope", 16, 32768),
    "gemma2": ("gemmascope", 20, 16384),
    "qwen3": ("saelens-topk", 18, 32768),
}


def benign_prompts():
    return [tpl.format(t=t) for t in TOPICS for tpl in TEMPLATES]


def resid_post(model, layer, batches):
    """Activations after block `layer` on real (unpadded) positions, float32 [N, d]."""
    out = []
    block = model.model.layers[layer]
    hook = block.register_forward_hook(lambda m, a, o: out.append((o[0] if isinstance(o, tuple) else o).float()))
    try:
        with torch.no_grad():
            for ids, mask, pos in batches:
                model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False)
    finally:
        hook.remove()
    return torch.cat([h[m.bool()] for h, (_, m, _) in zip(out, batches)])


def random_dictionary(d_sae, d, seed):
    g = torch.Generator(device="cuda").manual_seed(seed)
    w_dec = torch.randn(d_sae, d, generator=g, device="cuda")
    w_dec /= w_dec.norm(dim=1, keepdim=True)
    return w_dec


def threshold_for_l0(pre, l0):
    """A scalar threshold under which about l0 latents per row fire."""
    k = max(1, pre.shape[0] * l0)
    flat = pre.flatten()
    return float(flat.kthvalue(flat.numel() - k).values)


def write_llamascope(root, layer, w_dec, acts):
    d_sae, d = w_dec.shape
    norm = float(acts.norm(dim=1).mean())
    s = d ** 0.5 / norm
    pre = (s * acts) @ w_dec.T
    theta = threshold_for_l0(pre, TARGET_L0) / s
    folder = os.path.join(root, f"L{layer}R-8x")
    os.makedirs(os.path.join(folder, "checkpoints"), exist_ok=True)
    hook = f"blocks.{layer}.hook_resid_post"
    hp = {"d_model": d, "d_sae": d_sae, "hook_point_in": hook, "hook_point_out": hook, "act_fn": "jumprelu",
          "jump_relu_threshold": theta, "norm_activation": "dataset-wise",
          "dataset_average_activation_norm": {"in": norm, "out": norm},
          "apply_decoder_bias_to_pre_encoder": False, "use_decoder_bias": True,
          "sparsity_include_decoder_norm": True, "model_name": "random-llama3.1-8b", "top_k": TARGET_L0}
    with open(os.path.join(folder, "hyperparams.json"), "w") as f:
        json.dump(hp, f, indent=1)
    save_file({"encoder.weight": w_dec.contiguous().cpu(), "encoder.bias": torch.zeros(d_sae),
               "decoder.weight": w_dec.T.contiguous().cpu(), "decoder.bias": torch.zeros(d)},
              os.path.join(folder, "checkpoints", "final.safetensors"))
    return folder


def write_gemmascope(root, layer, w_dec, acts):
    d_sae, _ = w_dec.shape
    pre = acts @ w_dec.T
    # A per-latent threshold: each latent's own quantile, so every latent fires on some tokens.
    n = pre.shape[0]
    row = min(n - 1, int((1 - TARGET_L0 / d_sae) * n))
    thr = pre.sort(dim=0).values[row].clamp_min(0)
    folder = os.path.join(root, "gemma-scope-9b-it-res", f"layer_{layer}", "width_16k", f"average_l0_{TARGET_L0}")
    os.makedirs(folder, exist_ok=True)
    np.savez(os.path.join(folder, "params.npz"), W_enc=w_dec.T.contiguous().cpu().numpy(),
             W_dec=w_dec.cpu().numpy(), b_enc=np.zeros(d_sae, np.float32), b_dec=np.zeros(w_dec.shape[1], np.float32),
             threshold=thr.cpu().numpy())
    return os.path.join(folder, "params.npz")


def write_saelens_topk(root, layer, w_dec, _acts):
    d_sae, d = w_dec.shape
    folder = os.path.join(root, f"blocks.{layer}.hook_resid_post")
    os.makedirs(folder, exist_ok=True)
    cfg = {"architecture": "topk", "d_in": d, "d_sae": d_sae, "hook_name": f"blocks.{layer}.hook_resid_post",
           "apply_b_dec_to_input": False, "normalize_activations": "none", "model_name": "random-qwen3-8b",
           "dtype": "float32", "k": TARGET_L0}
    with open(os.path.join(folder, "cfg.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    save_file({"W_enc": w_dec.T.contiguous().cpu(), "b_enc": torch.zeros(d_sae), "W_dec": w_dec.contiguous().cpu(),
               "b_dec": torch.zeros(d)}, os.path.join(folder, "sae_weights.safetensors"))
    return folder


def write_explanations(root, model_id, layer, d_sae):
    folder = os.path.join(root, "neuronpedia", model_id, f"{layer}-res", "explanations")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "batch-0.jsonl"), "w") as f:
        for i in range(d_sae):
            f.write(json.dumps({"modelId": model_id, "layer": f"{layer}-res", "index": str(i),
                                "description": f"random latent {i} (random weights: no meaning)",
                                "typeName": "random", "explanationModelName": "none"}) + "\n")
    return os.path.dirname(folder)


def write_audit_inputs(model, family, out, batches):
    """The SAE, its explanations and prompts.txt under out/audit/; returns what the audit command needs."""
    suite, layer, d_sae = PLAN[family]
    root = os.path.join(out, "audit")
    os.makedirs(root, exist_ok=True)
    acts = resid_post(model, layer, batches)
    w_dec = random_dictionary(d_sae, acts.shape[1], seed=layer)
    writer = {"llamascope": write_llamascope, "gemmascope": write_gemmascope, "saelens-topk": write_saelens_topk}
    sae = writer[suite](root, layer, w_dec, acts)
    labels = write_explanations(root, f"random-{family}", layer, d_sae)
    with open(os.path.join(root, "prompts.txt"), "w") as f:
        f.write("\n".join(benign_prompts()) + "\n")
    info = {"suite": suite, "layer": layer, "d_sae": d_sae, "sae": sae, "labels": labels,
            "prompts": os.path.join(root, "prompts.txt"), "activation_norm_mean": float(acts.norm(dim=1).mean())}
    with open(os.path.join(root, "audit-inputs.json"), "w") as f:
        json.dump(info, f, indent=1)
    return info
