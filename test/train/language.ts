/**
 * The training tests' toy language: sequences "BOS a a+1 a+2 …" (mod 20, offset 3) of 6–25 tokens
 * after BOS, so every next token is predictable after one token. `scoreFrom: "half"` scores only
 * the second half of each sequence (lossFrom), as a finetune scores only the response.
 */
import type { TrainExample } from "../../src/train/batches.js";
import { mulberry32 } from "../../src/random/seeded.js";

export function countingLanguage(
  n: number,
  seed: number,
  scoreFrom: "start" | "half" = "start",
): TrainExample[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const len = 6 + Math.floor(rng() * 20);
    const a = Math.floor(rng() * 20);
    const ids = [1, ...Array.from({ length: len }, (_, i) => 3 + ((a + i) % 20))];
    return scoreFrom === "half" ? { ids, lossFrom: Math.floor(ids.length / 2) } : { ids };
  });
}
