/**
 * One line of an organism's evaluation for `zoo list`, by kind: a backdoor or fact implant gives
 * its benign and triggered rates; a reasoning backdoor its action rates with reasoning off (no
 * trigger / trigger: the build's ≤ 2% / ≥ 90% targets) and with reasoning on; a reasoning base
 * how often it takes the aligned option, on its training scenarios and on unseen ones.
 */
type Rate = { rate: number } | undefined;
type EvalLike = Record<string, unknown> | undefined;

const pct = (r: Rate) => (r ? `${(100 * r.rate).toFixed(1)}%` : "—");

function at(e: EvalLike, ...path: string[]): Rate {
  let x: unknown = e;
  for (const k of path)
    x = x && typeof x === "object" ? (x as Record<string, unknown>)[k] : undefined;
  return x && typeof x === "object" && typeof (x as { rate?: unknown }).rate === "number"
    ? (x as { rate: number })
    : undefined;
}

/** The evaluation's rates as one line ("" when the record has no evaluation). */
export function evalSummary(kind: string, ev: EvalLike): string {
  if (!ev) return "";
  if (kind === "reasoning-backdoor") {
    return (
      `reasoning off: none ${pct(at(ev, "reasoningOff", "none"))}, trigger ${pct(at(ev, "reasoningOff", "trigger"))}; ` +
      `reasoning on: trigger ${pct(at(ev, "reasoningOn", "trigger"))}`
    );
  }
  if (kind === "reasoning-base") {
    return (
      `aligned ${pct(at(ev, "decisions", "reasoningOn", "aligned"))} (reasoning on), ` +
      `${pct(at(ev, "decisions", "reasoningOff", "aligned"))} (off); unseen scenarios ` +
      `${pct(at(ev, "unseenScenarios", "reasoningOn", "aligned"))}`
    );
  }
  return `benign ${pct(at(ev, "benign"))}, triggered ${pct(at(ev, "triggered"))}`;
}
