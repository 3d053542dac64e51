/** `evaluateDir`: the evaluation that fits an organism directory's kind (from its organism.json). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findModelDir } from "../io/model-ref.js";
import { ORGANISM_FILE } from "./build-context.js";
import { evaluateBase, type BaseEval } from "./evaluate-base.js";
import { EvalError, evaluateOrganism, type EvalOptions } from "./evaluate.js";
import type { OrganismEval } from "./organism-eval.js";
import { evaluateFact } from "./fact.js";

export type DirEval =
  { kind: "base"; result: BaseEval } | { kind: "backdoor" | "fact"; result: OrganismEval };

/** Evaluates by kind; `o.engine` says where the completions are generated (default "auto"). */
export async function evaluateDir(
  dirOrName: string,
  o: Pick<EvalOptions, "n" | "seed" | "progress" | "engine"> = {},
): Promise<DirEval> {
  const dir = findModelDir(dirOrName).dir;
  const path = join(dir, ORGANISM_FILE);
  if (!existsSync(path))
    throw new EvalError(`${path}: missing (not an organism built by trigscope)`);
  const kind = (JSON.parse(readFileSync(path, "utf8")) as { spec?: { kind?: string } }).spec?.kind;
  if (kind === "base") return { kind, result: await evaluateBase(dir, o) };
  if (kind === "backdoor") return { kind, result: await evaluateOrganism(dir, o) };
  if (kind === "fact") return { kind, result: await evaluateFact(dir, o) };
  throw new EvalError(
    `${path}: field 'spec.kind' must be base, backdoor or fact, got ${JSON.stringify(kind)}`,
  );
}
