/**
 * `trigscope awareness run`: sample every prompt variant N times from a provider into a run
 * directory (resumable: run the same command again to finish an interrupted or failed run).
 */
import { readJsonl } from "../awareness/jsonl.js";
import { writeRunInspectLog } from "../awareness/judging.js";
import { loadItems, POSITIONS, type Position } from "../awareness/items.js";
import "../awareness/local-generate.js";
import "../awareness/openai-provider.js";
import { createProvider } from "../awareness/provider.js";
import { runAwareness } from "../awareness/runner.js";
import { buildVariants, VARIANT_KINDS, type VariantKind } from "../awareness/variants.js";
import { parseArgs, UsageError } from "./args.js";
import { requireFlag, runJob } from "./awareness-common.js";
import { register } from "./registry.js";

const spec = {
  items: { type: "string" },
  provider: { type: "string" },
  trigger: { type: "string" },
  lookalike: { type: "string" },
  distractor: { type: "string", multiple: true },
  variants: { type: "string" },
  positions: { type: "string" },
  samples: { type: "number" },
  out: { type: "string" },
  temperature: { type: "number" },
  "max-tokens": { type: "number" },
  "top-p": { type: "number" },
  seed: { type: "number" },
  "send-seed": { type: "boolean" },
  "no-seed": { type: "boolean" },
  prefill: { type: "string" },
  "prefill-mode": { type: "string" },
  concurrency: { type: "number" },
  timeout: { type: "number" },
  retries: { type: "number" },
  "api-key-env": { type: "string" },
  json: { type: "boolean" },
} as const;

function list<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T[],
): T[] {
  if (value === undefined) return fallback;
  const parts = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of parts)
    if (!allowed.includes(p as T))
      throw new UsageError(`--${flag}: '${p}' is not one of ${allowed.join(", ")}`);
  if (parts.length === 0) throw new UsageError(`--${flag} is empty`);
  return parts as T[];
}

register({
  name: "awareness run",
  summary:
    "Sample prompt variants (control, trigger, look-alike, distractor) from a model into a resumable run directory",
  usage:
    "awareness run --items FILE --provider SPEC --trigger TEXT --out DIR [--variants none,trigger,lookalike,distractor] [--positions top,bottom] [--samples N] [--lookalike TEXT] [--distractor TEXT]... [--prefill TEXT] [--prefill-mode continue-final-message|none] [--temperature T] [--max-tokens N] [--top-p P] [--seed N] [--no-seed] [--concurrency N] [--timeout SECONDS] [--retries N] [--api-key-env NAME] [--json]",
  async run(argv, io) {
    const { flags } = parseArgs(argv, spec);
    const itemsFile = requireFlag(flags.items, "items");
    const out = requireFlag(flags.out, "out");
    const kinds = list<VariantKind>(flags.variants, VARIANT_KINDS, "variants", ["none", "trigger"]);
    const positions = list<Position>(flags.positions, POSITIONS, "positions", ["top"]);
    const samples = flags.samples ?? 1;
    if (!Number.isInteger(samples) || samples < 1)
      throw new UsageError("--samples must be a positive integer");
    const prefillMode = flags["prefill-mode"];
    if (
      prefillMode !== undefined &&
      prefillMode !== "continue-final-message" &&
      prefillMode !== "none"
    )
      throw new UsageError("--prefill-mode must be continue-final-message or none");
    const provider = createProvider(requireFlag(flags.provider, "provider"), {
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
      ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
      ...(flags["api-key-env"] ? { apiKeyEnv: flags["api-key-env"] } : {}),
      ...(prefillMode ? { prefillMode } : {}),
    });
    const seed = flags.seed ?? 0;
    // Each sample is sent its own seed by default; --send-seed (once needed for that) is accepted.
    if (flags["no-seed"] && flags["send-seed"])
      throw new UsageError("--no-seed and --send-seed contradict each other");
    const triggerSpec = {
      trigger: requireFlag(flags.trigger, "trigger"),
      ...(flags.lookalike !== undefined ? { lookalike: flags.lookalike } : {}),
      ...(flags.distractor ? { distractors: flags.distractor } : {}),
    };
    readJsonl(itemsFile); // fail on unreadable JSON before anything else
    const variants = buildVariants(loadItems(itemsFile), triggerSpec, {
      kinds,
      positions,
      prefill: flags.prefill ?? null,
      seed,
    });
    const params = {
      temperature: flags.temperature ?? 1,
      ...(flags["max-tokens"] !== undefined ? { maxTokens: flags["max-tokens"] } : {}),
      ...(flags["top-p"] !== undefined ? { topP: flags["top-p"] } : {}),
    };
    const summary = await runJob("sampling", io, (hooks) =>
      runAwareness({
        outDir: out,
        variants,
        provider,
        samples,
        params,
        spec: triggerSpec,
        itemsFile,
        seed,
        sendSeed: !flags["no-seed"],
        concurrency: flags.concurrency ?? 4,
        ...hooks,
      }),
    );
    const log = writeRunInspectLog(out);
    const result = { ...summary, out, inspectLog: log };
    if (flags.json) io.stdout(JSON.stringify(result, null, 2));
    else {
      io.stdout(
        `run ${summary.runId} in ${out}: ${summary.alreadyDone + summary.completed}/${summary.total} samples finished (${summary.completed} now, ${summary.fromCache} from cache, ${summary.alreadyDone} earlier)`,
      );
      io.stdout(`Inspect log: ${log}`);
    }
    if (summary.interrupted) io.stderr("interrupted: run the same command again to resume");
    if (summary.failed > 0)
      io.stderr(
        `${summary.failed} samples failed (see ${out}/errors.jsonl): run the same command again to retry them`,
      );
    return summary.interrupted || summary.failed > 0 ? 1 : 0;
  },
});
