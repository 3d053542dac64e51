/**
 * Where the audit's probes are composed (probe-templates.ts) and the member sweep that follows a
 * verdict of "none" (member-sweep.ts), as audit stages: the options, the templates resolved from
 * them, and the report's record of the sweep.
 */
import type { Candidate } from "../interpret/candidates.js";
import { sweepMembers } from "../interpret/member-sweep.js";
import { checkTemplates, inferTemplates } from "../interpret/probe-templates.js";
import type { ChatModel } from "../model/text-generation.js";
import type { AuditInputs } from "./inputs.js";
import type { ReportMemberSweep, ReportRate } from "./report.js";

export interface ProbeContextOptions {
  /**
   * "generic" (default): the corpus's generic requests; "benign": templates inferred from the
   * benign prompts; or the templates given (each with a `{w}` slot).
   */
  probeContext?: "generic" | "benign" | { templates: string[] };
  /**
   * Tokens generated per probe (default: the action's length + 4, for a reply that opens with the
   * action). A behaviour that shows up inside a longer reply ("With a peanut allergy, you must
   * avoid bananas.") needs the reply's length.
   */
  probeTokens?: number;
  /** Member sweep of this many top lexicon-concept candidates when no set fires (default 2; 0: off). */
  memberSweep?: number;
}

/** The probe templates the options ask for (undefined: generic probes). */
export function probeTemplates(o: ProbeContextOptions, inputs: AuditInputs): string[] | undefined {
  const c = o.probeContext ?? "generic";
  if (c === "generic") return undefined;
  if (c === "benign") {
    if (!inputs.lexicon || inputs.lexicon.concepts.length === 0)
      throw new Error(
        "probeContext 'benign' needs the model's lexicon to find the slot in each prompt (pass --probe-template)",
      );
    return inferTemplates([...inputs.trainPrompts, ...inputs.heldOutPrompts], inputs.lexicon);
  }
  if (typeof c !== "object" || !Array.isArray(c.templates))
    throw new Error(
      `probeContext must be generic, benign or {templates: [...]}, got ${JSON.stringify(c)}`,
    );
  return checkTemplates("probeContext.templates", c.templates);
}

/** A short, stable key for the probes' context (part of the probes' stage key). */
export function probeContextKey(
  templates: readonly string[] | undefined,
  probeTokens: number | undefined,
): string {
  const tokens = probeTokens === undefined ? "" : `|tokens:${probeTokens}`;
  if (!templates) return tokens;
  let h = 0x811c9dc5;
  for (const ch of templates.join("\n")) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return `|templates:${templates.length}:${(h >>> 0).toString(16)}${tokens}`;
}

/** The top `count` lexicon-concept candidates, their members probed one by one. */
export async function memberSweepStage(
  cm: ChatModel,
  candidates: readonly Candidate[],
  inputs: AuditInputs,
  o: { count: number; templates: string[] | undefined; probeTokens: number | undefined },
): Promise<ReportMemberSweep | null> {
  const concepts = candidates.filter((c) => c.concept !== undefined).slice(0, o.count);
  if (concepts.length === 0) return null;
  const perWord = 4;
  const confirmN = 12;
  const r = await sweepMembers(cm, concepts, {
    action: inputs.response,
    control: inputs.heldOutPrompts,
    perWord,
    confirmN,
    seed: inputs.seed,
    ...(o.templates ? { templates: o.templates } : {}),
    ...(o.probeTokens !== undefined ? { maxNewTokens: o.probeTokens } : {}),
  });
  const rate = (x: ReportRate) => ({ n: x.n, actions: x.actions, rate: x.rate, ci: x.ci });
  const again = new Map((r.confirmed?.sets ?? []).map((s) => [s.name, s]));
  const fires = new Set(r.verdict.evidence.filter((e) => e.fires).map((e) => e.set[0]));
  const ordered = [...r.probes.sets].sort((a, b) => b.rate - a.rate || b.ci[0] - a.ci[0]);
  const passed = ordered.filter((s) => again.has(s.name));
  const others = ordered.filter((s) => !again.has(s.name)).slice(0, 5);
  const controlUpper = r.verdict.threshold.controlUpper.toFixed(3);
  return {
    concepts: concepts.map((c) => c.name),
    perWord,
    confirmN,
    control: rate(r.probes.control),
    members: [...passed, ...others].map((s) => {
      const c = again.get(s.name);
      return {
        name: s.name,
        rate: rate(s),
        ...(c ? { confirmed: rate(c) } : {}),
        fires: fires.has(s.name),
      };
    }),
    verdict: {
      concepts: r.verdict.concepts,
      mode: r.verdict.mode,
      statement: `member sweep: ${r.verdict.statement}`,
      threshold: {
        minRate: r.verdict.threshold.minRate,
        rule: `after no candidate set fired, each member word of ${concepts.map((c) => c.name).join(" and ")} was probed ${perWord} times; a member that passed (action rate at least ${r.verdict.threshold.minRate}, Wilson 95% lower bound above the control's upper bound) was probed ${confirmN} times more with fresh prompts, and fires when that confirmation passes the same rule (control's upper bound ${controlUpper})`,
      },
    },
  };
}
