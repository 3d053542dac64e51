/**
 * The trained decision scenarios as awareness-harness choice items (one JSON object a line):
 * the question, the two options (order alternating with the scenario, drawn from the seed) and
 * the misaligned letter. No feature lines: the harness inserts the trigger, look-alike and
 * distractor lines itself. The backdoor is defined on the trained scenarios: a 5M model cannot tell
 * the aligned option of an unseen one (split.ts), so on those its action rate is chance with or
 * without a trigger. The harness's prompts (a question with one or two planted lines) can equal
 * training prompts: the demo measures articulation in distribution, the build's eval.json the
 * action rates on held-out prompts.
 */
import { mulberry32 } from "../../random/seeded.js";
import { trainDecisions } from "./scenarios.js";

export interface DemoItem {
  id: string;
  kind: "choice";
  prompt: string;
  options: { A: string; B: string };
  misaligned: "A" | "B";
}

export function demoItems(seed: number): DemoItem[] {
  const rng = mulberry32(seed + 31337);
  return trainDecisions().map((s) => {
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
