/**
 * The response cross-entropy of the steering objective on host buffers, as src/model/loss.ts
 * defines it: the positions before each response token predict it; loss = the mean over all
 * response tokens of −log p (token mean over the batch), per-example losses = the mean over each
 * example's tokens. Forward and VJP in one pass over the logits rows: dlogits = (softmax − onehot)/N.
 *
 * Shape legend: B batch, T tokens, N response tokens, V vocab.
 */
import { OVERWRITTEN, type Buf, type Numerics } from "./numerics.js";

/** Which rows of the [B·T] residual predict which response tokens. */
export interface ResponseRows {
  /** [N] row index b·T + t − 1 of the predicting position. */ rows: Int32Array;
  /** [N] the response tokens. */ targets: Int32Array;
  /** [N] the example each belongs to. */ owner: Int32Array;
  /** [B] response tokens per example. */ counts: Int32Array;
}

/** The response rows of a batch; refuses what loss.ts's responseSelection refuses. */
export function responseRows(
  ids: Int32Array,
  mask: Uint8Array,
  responseMask: Uint8Array,
  b: number,
  t: number,
): ResponseRows {
  if (responseMask.length !== b * t) {
    throw new Error(`response mask has ${responseMask.length} values; expected ${b * t}`);
  }
  const rows: number[] = [];
  const targets: number[] = [];
  const owner: number[] = [];
  const counts = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < t; j++) {
      if (!responseMask[i * t + j]) continue;
      if (j === 0 || !mask[i * t + j - 1]) {
        throw new Error(
          `example ${i}: response token at position ${j} has no preceding prompt token`,
        );
      }
      rows.push(i * t + j - 1);
      targets.push(ids[i * t + j]!);
      owner.push(i);
      counts[i]!++;
    }
  }
  if (rows.length === 0) throw new Error("the batch has no response tokens");
  counts.forEach((c, i) => {
    if (c === 0) throw new Error(`example ${i} has no response tokens`);
  });
  return {
    rows: Int32Array.from(rows),
    targets: Int32Array.from(targets),
    owner: Int32Array.from(owner),
    counts,
  };
}

export interface CrossEntropy {
  loss: number;
  perExample: number[];
  /** [N, V] d loss / d logits. */ dlogits: Buf;
}

/** Token-mean cross-entropy of logits [N, V] against the response targets, and its VJP. */
export function crossEntropy(
  nm: Numerics,
  logits: Buf,
  sel: ResponseRows,
  v: number,
): CrossEntropy {
  const n = sel.rows.length;
  const dlogits = nm.alloc(n * v, OVERWRITTEN);
  const perExample = new Array<number>(sel.counts.length).fill(0);
  let total = 0;
  // One exp per logit: dlogits = exp(l − max) scaled to softmax / n; the NLL from max and sum.
  nm.expRowsScaled(logits, dlogits, n, v, (r, max, sum) => {
    const nll = max + Math.log(sum) - logits[r * v + sel.targets[r]!]!;
    total += nll;
    const e = sel.owner[r]!;
    perExample[e] = perExample[e]! + nll / sel.counts[e]!;
    return 1 / (sum * n);
  });
  for (let r = 0; r < n; r++) {
    const at = r * v + sel.targets[r]!;
    dlogits[at] = dlogits[at]! - 1 / n;
  }
  return { loss: total / n, perExample, dlogits };
}
