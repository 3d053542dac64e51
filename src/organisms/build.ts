/** `buildOrganism`: reads a spec and builds a base model or a backdoored organism from it. */
import { dirname, resolve } from "node:path";
import type { BuildContext } from "./build-context.js";
import { buildBase, type BaseMetrics } from "./build-base.js";
import { buildBackdoor, type BackdoorMetrics } from "./build-backdoor.js";
import { buildFact, type FactMetrics } from "./fact.js";
import { readSpec, type OrganismSpec } from "./spec.js";
import {
  buildReasoning,
  type ReasoningBackdoorMetrics,
  type ReasoningBaseMetrics,
} from "./reasoning/build.js";
import { readReasoningSpec, type ReasoningSpec } from "./reasoning/spec.js";

type Metrics =
  BaseMetrics | BackdoorMetrics | FactMetrics | ReasoningBaseMetrics | ReasoningBackdoorMetrics;

export async function buildOrganism(
  specPath: string,
  ctx: BuildContext,
): Promise<{ spec: OrganismSpec | ReasoningSpec; metrics: Metrics }> {
  const reasoning = readReasoningSpec(specPath);
  if (reasoning) {
    return {
      spec: reasoning,
      metrics: await buildReasoning(reasoning, dirname(resolve(specPath)), ctx),
    };
  }
  const spec = readSpec(specPath);
  if (spec.kind === "base") return { spec, metrics: await buildBase(spec, ctx) };
  if (spec.kind === "fact") {
    return { spec, metrics: await buildFact(spec, dirname(resolve(specPath)), ctx) };
  }
  const metrics = await buildBackdoor(spec, dirname(resolve(specPath)), ctx);
  return { spec, metrics };
}
