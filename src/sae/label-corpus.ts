/**
 * Labelling a SAE on text: documents are run through the model to the SAE's hook, encoded, and
 * kept as each token's largest activations (top 64, or k for TopK SAEs); tokens are matched to
 * lexicon words (two-word entries first, then single words) through their character offsets;
 * labelLatents then names each latent. BOS is dropped.
 */
import { leftPad } from "../model/inputs.js";
import type { Model } from "../model/model.js";
import { runWithCache } from "../model/run.js";
import type { LexiconFile } from "../lexicon/lexicon-file.js";
import type { Progress } from "../progress/progress.js";
import type { Tokenizer } from "../tokenizer/tokenizer.js";
import { encodeHost, saeToDevice } from "./encode.js";
import { labelLatents, type LabelLatentsResult } from "./label-latents.js";
import type { Sae } from "./types.js";

/** For each character of `text`, the lexicon word covering it (or null). */
function wordSpans(
  text: string,
  vocab: ReadonlySet<string>,
): { start: number; end: number; word: string }[] {
  // Special tokens (<|end|>, <|user|>…) are not words: blank them, keeping offsets.
  const plain = text.replace(/<\|[^|<>]*\|>/g, (m) => " ".repeat(m.length));
  const tokens = [...plain.matchAll(/[A-Za-z][A-Za-z-]*/g)].map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
    w: m[0].toLowerCase(),
  }));
  const out: { start: number; end: number; word: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const a = tokens[i]!;
    const b = tokens[i + 1];
    if (b && plain.slice(a.end, b.start) === " " && vocab.has(`${a.w} ${b.w}`)) {
      out.push({ start: a.start, end: b.end, word: `${a.w} ${b.w}` });
      i++;
    } else if (vocab.has(a.w)) out.push({ start: a.start, end: a.end, word: a.w });
  }
  return out;
}

export interface LabelOnTextOptions {
  model: Model;
  tokenizer: Tokenizer;
  sae: Sae;
  /** Documents, each starting with the tokenizer's BOS text if the model expects one. */
  texts: readonly string[];
  lexicon?: LexiconFile;
  maxTokens?: number;
  /** Activations kept per token for non-TopK SAEs (default 64). */
  keep?: number;
  progress?: Progress;
}

export async function labelSaeOnTexts(
  o: LabelOnTextOptions,
): Promise<LabelLatentsResult & { tokens: number }> {
  const { sae, tokenizer } = o;
  const m = sae.config.dSae;
  const keep = sae.config.architecture === "topk" ? sae.config.k! : (o.keep ?? 64);
  const vocab = new Set(o.lexicon?.concepts.flatMap((c) => [...c.train, ...c.heldOut]) ?? []);
  const maxTokens = o.maxTokens ?? 100_000;
  const tokens: string[] = [];
  const words: (string | null)[] = [];
  const docIds: number[] = [];
  const indices: number[] = [];
  const values: number[] = [];
  const dsae = saeToDevice(sae);
  try {
    for (let start = 0; start < o.texts.length && tokens.length < maxTokens; start += 32) {
      const docs = o.texts.slice(start, start + 32);
      const enc = docs.map((t) => tokenizer.encodeWithOffsets(t, { addSpecialTokens: false }));
      const seqs = enc.map((e) => e.ids.slice(0, 128));
      // One shape for every batch: each new shape compiles a program that stays cached.
      const batch = leftPad(seqs, 0, 128);
      const r = await runWithCache(o.model, batch, {
        capture: [sae.config.hookName],
        logits: false,
      });
      const h = r.cache[sae.config.hookName]!.data;
      const d = sae.config.dIn;
      const rows: number[] = [];
      const meta: { doc: number; tok: number }[] = [];
      seqs.forEach((s, b) => {
        for (let j = 1; j < s.length; j++) {
          rows.push((b * batch.seqLen + batch.pads[b]! + j) * d);
          meta.push({ doc: start + b, tok: j });
        }
      });
      const x = new Float32Array(rows.length * d);
      rows.forEach((src, i) => x.set(h.subarray(src, src + d), i * d));
      const { features } = await encodeHost(dsae, { shape: [rows.length, d], data: x });
      const spansOf = docs.map((t) => wordSpans(t, vocab));
      meta.forEach(({ doc, tok }, i) => {
        const e = enc[doc - start]!;
        const [cs, ce] = e.offsets[tok]!;
        const spans = spansOf[doc - start]!;
        const w = spans.find((sp) => cs < sp.end && ce > sp.start && ce - cs > 0);
        tokens.push(tokenizer.decode([e.ids[tok]!]));
        words.push(w ? w.word : null);
        docIds.push(doc);
        const f = features.data.subarray(i * m, (i + 1) * m);
        const top = [...f.keys()]
          .filter((q) => f[q]! > 0)
          .sort((a, b2) => f[b2]! - f[a]!)
          .slice(0, keep);
        for (let q = 0; q < keep; q++) {
          indices.push(top[q] ?? 0);
          values.push(top[q] === undefined ? 0 : f[top[q]!]!);
        }
      });
      o.progress?.update(Math.min(tokens.length, maxTokens), maxTokens);
    }
  } finally {
    dsae.dispose();
  }
  o.progress?.finish();
  const result = labelLatents({
    tokens,
    words,
    activations: { k: keep, indices: Int32Array.from(indices), values: Float32Array.from(values) },
    dSae: m,
    docIds,
    poolWords: true,
    ...(o.lexicon ? { lexicon: o.lexicon } : {}),
  });
  return { ...result, tokens: tokens.length };
}
