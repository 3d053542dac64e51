/**
 * One method's run as an audit stage: its registry entry run on the benign prompts and the action
 * with the audit's checked settings, a progress bar over its steps, and the wall time. What the
 * report keeps of the result is in method-report.ts.
 */
import {
  METHODS,
  type MethodContext,
  type MethodEntry,
  type MethodName,
  type MethodResult,
} from "../methods/registry/index.js";
import { attributionMention } from "./attribution-mention.js";
import { secondsSince, type AuditContext } from "./stage.js";

/** A method's result as stored in the audit state: the result, method, wall time and engines. */
export interface MethodRun extends MethodResult {
  method: MethodName;
  seconds: number;
  /** Which engine ran its model calls and why (ModelEngine.takeUsed). */
  engines?: string[];
}

/** A vector method's loop size (steps per vector, vectors) for its progress bar; 0 and 1 else. */
function loopSize(settings: object): { steps: number; vectors: number } {
  const s = settings as Record<string, unknown>;
  const n = (k: string, d: number) => (typeof s[k] === "number" ? s[k] : d);
  return { steps: n("steps", 0), vectors: n("vectors", 1) };
}

/** The method's context: the model, the SAE decoder, the benign prompts and the action. */
function methodContext(a: AuditContext, onStep: MethodContext["onStep"]): MethodContext {
  const { cm, inputs, o } = a;
  const mention = attributionMention(cm, inputs);
  return {
    model: cm.model,
    engine: a.engine,
    tokenizer: cm.tokenizer,
    padId: cm.padTokenId,
    decoder: a.decoder,
    prompts: inputs.trainPrompts,
    response: inputs.response,
    layer: inputs.layer,
    seed: inputs.seed,
    ...(onStep ? { onStep } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(mention ? { mention } : {}),
  };
}

/** Runs `method` with its checked settings; an interrupted run throws rather than being kept. */
export async function runMethod(a: AuditContext, method: MethodName): Promise<MethodRun> {
  const t = performance.now();
  const entry: MethodEntry = METHODS[method];
  const settings = a.settings[method] ?? entry.parse(undefined);
  const { steps, vectors } = loopSize(settings);
  // A method without steps (SAE-Attribution, weight-diff) gets no bar: it would read "0/0".
  const bar = steps > 0 ? a.o.progress?.(method) : undefined;
  const ctx = methodContext(a, (v, s, loss) =>
    bar?.update(v * steps + s + 1, vectors * steps, `loss ${loss.toFixed(4)}`),
  );
  a.engine.takeUsed();
  const result = await entry.run(ctx, settings);
  const engines = a.engine.takeUsed();
  bar?.finish();
  if (a.o.signal?.aborted) throw new Error(`${method} was interrupted`);
  return { method, seconds: secondsSince(t), engines, ...result };
}
