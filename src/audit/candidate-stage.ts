/**
 * The candidate concepts of an audit, from every method's rankings: lexicon concepts, words, or
 * WordNet concepts named by latent explanations; for the latter, the words their own latents fire
 * on are kept (a resumable stage, keyed by the candidates). Then, when the audit was given a
 * behaviour screen, the concepts it saw firing that no method named.
 */
import type { Candidate, MethodRanking } from "../interpret/candidates.js";
import { buildCandidates, screenedCandidates } from "../interpret/index.js";
import { focusCandidates } from "../interpret/focus-words.js";
import { explainerFor } from "./explanations.js";
import { DEFAULT_CANDIDATES, recordEngines, secondsSince, type AuditContext } from "./stage.js";

/**
 * The probes stage's key: the candidate names, and a hash of their words when any candidate's
 * words were focused (explanation concepts: the same name may then stand for other words).
 */
export function probeKey(
  candidates: readonly { name: string; words: string[]; synsets?: number[] }[],
) {
  const names = candidates.map((c) => c.name).join("|");
  if (!candidates.some((c) => c.synsets !== undefined)) return names;
  let h = 0x811c9dc5;
  const text = JSON.stringify(candidates.map((c) => c.words));
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${names}#${(h >>> 0).toString(16)}`;
}

/** The candidates to probe; explanation concepts' words focused on their latents. */
export async function candidateStage(
  a: AuditContext,
  rankings: MethodRanking[],
): Promise<Candidate[]> {
  const { inputs, o } = a;
  const explain = explainerFor(inputs.labels);
  const lexicon = inputs.lexicon ?? { seed: 0, concepts: [] };
  const built = buildCandidates(rankings, {
    lexicon,
    max: o.candidates ?? DEFAULT_CANDIDATES,
    ...(explain ? { explain } : {}),
  });
  for (const m of built.merged) a.log(`candidate ${m}`);
  const screened = o.screen ? screenedCandidates(lexicon, o.screen, built.candidates) : [];
  for (const { name, screened: s } of screened)
    a.log(`candidate ${name}: the behaviour screen saw it act on ${s!.actions} of ${s!.n} prompts`);
  if (!explain) return [...built.candidates, ...screened];
  // Explanation concepts name a WordNet class: keep the words their own latents fire on.
  const tf = performance.now();
  const { candidates, warnings } = await a.state.stage(`focus:${probeKey(built.candidates)}`, () =>
    focusCandidates(a.cm, inputs.sae, built.candidates, { seed: inputs.seed }),
  );
  for (const w of warnings) a.log(`candidate ${w}`);
  a.engine.jaxFor("focus words (hook captures)");
  recordEngines(a, "focus", a.engine.takeUsed());
  a.timings.focus = secondsSince(tf);
  return [...candidates, ...screened];
}
