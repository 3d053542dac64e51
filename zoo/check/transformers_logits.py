#!/usr/bin/env python3
"""Loads a zoo model with transformers (AutoModelForCausalLM, AutoTokenizer) and compares its logits
with trigscope's (zoo/check/our-logits.ts) on the same left-padded batch. Prints one JSON object.

  python3 zoo/check/transformers_logits.py MODEL_DIR OURS.safetensors
"""
import json
import sys

import torch
import transformers
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

model_dir, ours_path = sys.argv[1], sys.argv[2]
ours = load_file(ours_path)
ids, mask, logits = ours["ids"].long(), ours["mask"].long(), ours["logits"]
model = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32).eval()
tok = AutoTokenizer.from_pretrained(model_dir)
positions = (mask.cumsum(-1) - 1).clamp(min=0)
with torch.no_grad():
    ref = model(input_ids=ids, attention_mask=mask, position_ids=positions).logits
valid = mask.bool()
diff = (ref - logits).abs()[valid]
# The tokenizer: transformers' chat template and ids against ours, row by row (pads stripped).
rows = []
for r in range(ids.shape[0]):
    ours_ids = ids[r][valid[r]].tolist()
    text = tok.decode(ours_ids)
    again = tok(text, add_special_tokens=False)["input_ids"]
    rows.append(again == ours_ids)
print(json.dumps({
    "transformers": transformers.__version__,
    "torch": torch.__version__,
    "architecture": type(model).__name__,
    "batch": list(ids.shape),
    "max_abs_diff_logits": diff.max().item(),
    "max_abs_logit": ref[valid].abs().max().item(),
    "argmax_equal": bool((ref.argmax(-1) == logits.argmax(-1))[valid].all().item()),
    "tokenizer_roundtrip_equal": all(rows),
    "eos_token": tok.eos_token, "bos_token": tok.bos_token,
}, indent=1))
