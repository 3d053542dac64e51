/**
 * `trigscope awareness run`: sample every prompt variant N times from a provider into a run
 * directory (resumable: SIGINT/SIGTERM stop it, and the same command finishes an interrupted or
 * failed run). With `--queue redis://…` the samples run on `trigscope worker` processes anywhere
 * (src/sweep/awareness-queue.ts); this process files them in the run directory.
 */
import type { SampleDispatch } from "../awareness/dispatch.js";
import { readJsonl } from "../awareness/jsonl.js";
import { writeRunInspectLog } from "../awareness/judging.js";
import { loadItems, POSITIONS, type Position } from "../awareness/items.js";
import "../awareness/local-generate.js";
import "../awareness/openai-provider.js";
import { createProvider } from "../awareness/provider.js";
import { runAwareness } from "../awareness/runner.js";
import { buildVariants, VARIANT_KINDS, type VariantKind } from "../awareness/variants.js";
import { awarenessQueueDispatch } from "../sweep/awareness-queue.js";
import { AWARENESS_QUEUE, type ProviderRecipe } from "../sweep/awareness-job.js";
import { runJob } from "./awareness-common.js";
import { defineCommand } from "./command.js";
import { count, JSON_OUT } from "./common-options.js";
import { UsageError } from "./options.js";
import { PROVIDER_OPTIONS } from "./provider-options.js";

const OPTIONS = {
  items: { type: "string", required: true, value: "FILE", description: "prompt items (JSONL)" },
  provider: { type: "string", required: true, value: "SPEC", description: "the model to sample" },
  trigger: { type: "string", required: true, description: "the trigger text" },
  out: { type: "string", required: true, value: "DIR", description: "the run directory" },
  variants: {
    type: "string",
    value: "LIST",
    default: "none,trigger",
    description: `variants to sample, of ${VARIANT_KINDS.join(",")}`,
  },
  positions: {
    type: "string",
    value: "LIST",
    default: "top",
    description: `where the trigger goes, of ${POSITIONS.join(",")}`,
  },
  samples: count("samples per variant", 1),
  lookalike: { type: "string", description: "the look-alike variant's text" },
  distractor: { type: "string", multiple: true, description: "a distractor variant's text" },
  prefill: { type: "string", description: "text the answer starts with" },
  "prefill-mode": {
    type: "string",
    choices: ["continue-final-message", "none"],
    defaultText: "the provider's",
    description: "how the prefill is sent",
  },
  temperature: { type: "number", min: 0, default: 1, description: "sampling temperature" },
  "max-tokens": {
    type: "integer",
    min: 1,
    defaultText: "the provider's",
    description: "tokens per answer",
  },
  "top-p": {
    type: "number",
    min: 0,
    minExclusive: true,
    max: 1,
    defaultText: "the provider's",
    description: "nucleus sampling mass",
  },
  seed: {
    type: "integer",
    default: 0,
    description: "seed of the variants and of each sample's seed",
  },
  "send-seed": {
    type: "boolean",
    description: "accepted for old scripts: seeds are sent by default",
  },
  "no-seed": { type: "boolean", description: "send no seed with the requests" },
  ...PROVIDER_OPTIONS,
  queue: {
    type: "string",
    value: "redis://HOST:PORT",
    defaultText: "none: samples run in this process",
    description: "run the samples on `trigscope worker` processes through this BullMQ queue",
  },
  "queue-name": {
    type: "string",
    value: "NAME",
    default: AWARENESS_QUEUE,
    description: "the awareness queue's name (with --queue)",
  },
  json: JSON_OUT,
} as const;

function list<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
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

/** The queue's dispatch; a bad --queue URL is a usage error. */
function queueDispatch(
  url: string,
  name: string,
  spec: string,
  options: ProviderRecipe["options"],
): SampleDispatch {
  try {
    return awarenessQueueDispatch({ url, name, provider: { spec, options } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

defineCommand({
  name: "awareness run",
  summary:
    "Sample prompt variants (control, trigger, look-alike, distractor) from a model into a resumable run directory",
  options: OPTIONS,
  interrupt: { savedIn: ({ opts }) => opts.out },
  async run({ opts: flags }, ctx) {
    const { io } = ctx;
    const itemsFile = flags.items;
    const out = flags.out;
    const kinds = list<VariantKind>(flags.variants, VARIANT_KINDS, "variants");
    const positions = list<Position>(flags.positions, POSITIONS, "positions");
    const samples = flags.samples;
    const prefillMode = flags["prefill-mode"];
    const providerOptions = {
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout * 1000 } : {}),
      ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
      ...(flags["api-key-env"] ? { apiKeyEnv: flags["api-key-env"] } : {}),
      ...(prefillMode ? { prefillMode } : {}),
    };
    const provider = createProvider(flags.provider, providerOptions);
    const dispatch = flags.queue
      ? queueDispatch(flags.queue, flags["queue-name"], flags.provider, providerOptions)
      : undefined;
    const seed = flags.seed;
    // Each sample is sent its own seed by default; --send-seed (once needed for that) is accepted.
    if (flags["no-seed"] && flags["send-seed"])
      throw new UsageError("--no-seed and --send-seed contradict each other");
    const triggerSpec = {
      trigger: flags.trigger,
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
      temperature: flags.temperature,
      ...(flags["max-tokens"] !== undefined ? { maxTokens: flags["max-tokens"] } : {}),
      ...(flags["top-p"] !== undefined ? { topP: flags["top-p"] } : {}),
    };
    const summary = await runJob("sampling", ctx, (hooks) =>
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
        concurrency: flags.concurrency,
        ...(dispatch ? { dispatch } : {}),
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
    if (summary.failed > 0)
      io.stderr(
        `${summary.failed} samples failed (see ${out}/errors.jsonl): run the same command again to retry them`,
      );
    return summary.failed > 0 ? 1 : 0;
  },
});
