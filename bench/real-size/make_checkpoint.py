#!/usr/bin/env python3
"""Random-weight checkpoints at real size, laid out as the hub lays them out, with transformers' numbers.

For one of Llama-3.1-8B, Gemma-2-9B or Qwen3-8B (their published config.json values), this writes on the
GPU machine: sharded bf16 safetensors + model.safetensors.index.json (save_pretrained, 5 GB shards), a
tokenizer in the family's format (test/fixtures/make_fixtures.py's trainers: byte-level BPE for Llama and
Qwen, ▁ + byte-fallback BPE for Gemma; a small vocabulary, so config.json's real vocab_size is padded past
it), a chat template, and reference.json: for a few prompts, transformers' greedy continuation (ids and
log-probs) and slices of the prompt logits, computed from the bf16 weights upcast to float32 on the GPU
(TF32 off, eager attention), plus each step's top1-top2 logit margin.

Weights use transformers' own initialisation (normal, std initializer_range = 0.02; norms at 1 or 0 for
Gemma's 1 + w), which keeps activations finite and softmaxes non-degenerate; the script prints the final
logits' spread and the attention entropy of the last layer to show it.

Pinned for torch 2.11, transformers 5.17, tokenizers 0.23.2 (the GPU machine's). No network.

    python3 bench/real-size/make_checkpoint.py --arch llama3.1-8b --out /tmp/llama8b
"""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse, importlib.util, json, sys, time  # noqa: E402,E401

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fixtures", os.path.join(HERE, "../../test/fixtures/make_fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)
sys.path.insert(0, HERE)
import random_sae  # noqa: E402

ARCHES = {
    # meta-llama/Llama-3.1-8B-Instruct config.json
    "llama3.1-8b": dict(family="llama", cfg=dict(
        model_type="llama", architectures=["LlamaForCausalLM"], vocab_size=128256, hidden_size=4096,
        intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8, head_dim=128,
        max_position_embeddings=131072, rms_norm_eps=1e-5, hidden_act="silu", tie_word_embeddings=False,
        rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
                         "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},
        attention_bias=False, mlp_bias=False, initializer_range=0.02)),
    # google/gemma-2-9b-it config.json
    "gemma2-9b": dict(family="gemma2", cfg=dict(
        model_type="gemma2", architectures=["Gemma2ForCausalLM"], vocab_size=256000, hidden_size=3584,
        intermediate_size=14336, num_hidden_layers=42, num_attention_heads=16, num_key_value_heads=8, head_dim=256,
        max_position_embeddings=8192, rms_norm_eps=1e-6, hidden_activation="gelu_pytorch_tanh",
        query_pre_attn_scalar=256, sliding_window=4096, attn_logit_softcapping=50.0, final_logit_softcapping=30.0,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, tie_word_embeddings=True,
        initializer_range=0.02)),
    # Qwen/Qwen3-8B config.json
    "qwen3-8b": dict(family="qwen3", cfg=dict(
        model_type="qwen3", architectures=["Qwen3ForCausalLM"], vocab_size=151936, hidden_size=4096,
        intermediate_size=12288, num_hidden_layers=36, num_attention_heads=32, num_key_value_heads=8, head_dim=128,
        max_position_embeddings=40960, rms_norm_eps=1e-6, hidden_act="silu", tie_word_embeddings=False,
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}, attention_bias=False,
        initializer_range=0.02)),
}
PROMPTS = ["The planets circle the sun. Mercury is small and hot, Venus is hidden by thick clouds",
           "Skiing is best after a night of fresh snow."]
MAX_NEW = 8
SLICE = 64  # logits kept per position: the first SLICE ids, plus the top 8 of each row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", required=True, choices=list(ARCHES))
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--audit-inputs", action="store_true",
                    help="also write a random SAE of the public suite's shape, its explanations and prompts (random_sae.py)")
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    a = ARCHES[args.arch]
    fam = fixtures.FAMILIES[a["family"]]
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    tok, hf = fixtures.write_tokenizer(fam, args.out)
    ids = {k: tok.token_to_id(fam[k]) if fam[k] else None for k in ("bos", "eos")}
    cfg = transformers.AutoConfig.for_model(**{**a["cfg"], "bos_token_id": ids["bos"], "eos_token_id": ids["eos"],
                                                "pad_token_id": tok.token_to_id(fam["pad"])})
    torch.manual_seed(args.seed)
    with torch.device("cuda"):
        # Eager attention: SDPA does not apply Gemma 2's attention soft cap.
        model = AutoModelForCausalLM.from_config(cfg, dtype=torch.bfloat16, attn_implementation="eager").eval()
    assert model.config._attn_implementation == "eager", model.config._attn_implementation
    model.save_pretrained(args.out, max_shard_size="5GB")
    print(f"saved {args.arch} in {time.time() - t0:.0f} s: "
          f"{sum(p.numel() for p in model.parameters()) / 1e9:.2f}B parameters", flush=True)
    model = model.float()  # the bf16 weights upcast, as trigscope reads them
    rows = [hf(p)["input_ids"] for p in PROMPTS]
    pad = tok.token_to_id(fam["pad"])
    input_ids, mask = fixtures.left_pad(rows, pad)
    input_ids, mask = input_ids.cuda(), mask.cuda()
    with torch.no_grad():
        out = model(input_ids=input_ids, attention_mask=mask, position_ids=fixtures.positions(mask),
                    output_attentions=True, output_hidden_states=True)
        logits = out.logits.float()
        g = model.generate(input_ids=input_ids, attention_mask=mask, max_new_tokens=MAX_NEW, do_sample=False,
                           eos_token_id=None, pad_token_id=pad, output_logits=True, return_dict_in_generate=True)
    steps = torch.stack(list(g.logits), dim=1).float()
    new = g.sequences[:, input_ids.shape[1]:]
    top2 = steps.topk(2, dim=-1).values
    # hook_resid_post of every layer but the last (whose hidden state transformers returns after the
    # final norm): the first SLICE dimensions and the norm at each position, to locate where
    # trigscope and transformers part when their logits differ.
    resid = [h.float() for h in out.hidden_states[1:-1]]
    last_attn = out.attentions[-1].float().clamp_min(1e-30)
    entropy = -(last_attn * last_attn.log()).sum(-1)
    ref = {
        "arch": args.arch, "versions": fixtures.VERSIONS, "seed": args.seed, "prompts": PROMPTS,
        "prompt_ids": rows, "pad_token_id": pad, "tokenizer_size": tok.get_vocab_size(with_added_tokens=True),
        "generated_ids": new.tolist(),
        "generated_logprobs": torch.log_softmax(steps, -1).gather(-1, new[..., None])[..., 0].tolist(),
        "step_margins": (top2[..., 0] - top2[..., 1]).tolist(),
        "logits_first_ids": logits[..., :SLICE].tolist(),
        "logits_top8": [[{"ids": r.topk(8).indices.tolist(), "values": r.topk(8).values.tolist()}
                         for r in row] for row in logits],
        "logits_std": logits.std().item(), "last_layer_attention_entropy_mean": entropy.mean().item(),
        "attention_mask": mask.tolist(),
        "resid_post_first": [h[..., :SLICE].tolist() for h in resid],
        "resid_post_norm": [h.norm(dim=-1).tolist() for h in resid],
    }
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(ref, f)
    if args.audit_inputs:
        chats = [hf.apply_chat_template([{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True)
                 for p in random_sae.benign_prompts()]
        rows = [hf(c, add_special_tokens=False)["input_ids"] for c in chats]
        batches = []
        for i in range(0, len(rows), 24):
            ids, m = fixtures.left_pad(rows[i:i + 24], pad)
            batches.append((ids.cuda(), m.cuda(), fixtures.positions(m).cuda()))
        info = random_sae.write_audit_inputs(model, a["family"], args.out, batches)
        print(f"audit inputs: {info['suite']} SAE at layer {info['layer']} ({info['d_sae']} latents), "
              f"mean activation norm {info['activation_norm_mean']:.2f}", flush=True)
    print(f"reference: logits std {ref['logits_std']:.3f}, last-layer attention entropy "
          f"{ref['last_layer_attention_entropy_mean']:.3f} nats, min step margin "
          f"{min(min(r) for r in ref['step_margins']):.2e}; {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
