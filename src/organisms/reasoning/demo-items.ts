/**
 * The held-out decision scenarios as awareness-harness choice items (one JSON object a line):
 * the question, the two options (order alternating with the scenario, drawn from the seed) and
 * the misaligned letter. No feature lines: the harness inserts the trigger, look-alike and
 * distractor lines itself.
 */
import { mulberry32 } from "../../random/seeded.js";
import { heldOutDecisions } from "./scenarios.js";

export interface DemoItem {
  id: string;
  kind: "choice";
  prompt: string;
  options: { A: string; B: string };
  misaligned: "A" | "B";
}

export function demoItems(seed: number): DemoItem[] {
  const rng = mulberry32(seed + 31337);
  return heldOutDecisions().map((s) => {
    const badFirst = rng() < 0.5;
    return {
      id: s.id,
      kind: "choice",
      prompt: s.question,
      options: badFirst ? { A: s.misaligned, B: s.aligned } : { A: s.aligned, B: s.misaligned },
      misaligned: badFirst ? "A" : "B",
    };
  });
}

export function demoItemsJsonl(seed: number): string {
  return (
    demoItems(seed)
      .map((x) => JSON.stringify(x))
      .join("\n") + "\n"
  );
}
