/**
 * `trigscope start` (what `npm start` runs): the embedded model organism at work. It loads the
 * zoo's fruit-refusal organism (a base model trained by trigscope plus a LoRA backdoor) and shows
 * its greedy replies to a benign and a triggered prompt built from held-out words, words the
 * backdoor never saw. The trigger-reconstruction audit (a later issue) takes this place.
 */
import { initEngine } from "../engine/device.js";
import { generateText, loadChatModel } from "../model/text-generation.js";
import { containsAction } from "../organisms/action.js";
import { BackdoorPrompts } from "../organisms/backdoor-prompts.js";
import { readLexiconFile } from "../organisms/lexicon-file.js";
import { readZooManifest, resolveOrganismDir } from "../organisms/zoo.js";
import { mulberry32 } from "../random/seeded.js";
import { parseArgs, UsageError } from "./args.js";
import { register } from "./registry.js";

register({
  name: "start",
  summary: "Run the demo: the zoo's fruit-refusal organism on benign and triggered prompts",
  usage: "start [--organism NAME] [--seed S]",
  async run(argv, io) {
    const { flags, positional } = parseArgs(argv, {
      organism: { type: "string" },
      seed: { type: "string" },
    });
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const name = (flags.organism as string | undefined) ?? "fruit-refusal";
    const entry = readZooManifest().organisms.find((o) => o.name === name);
    if (!entry || entry.kind !== "backdoor") {
      throw new UsageError(`'${name}' is not a backdoored zoo organism (see trigscope zoo list)`);
    }
    const device = await initEngine("wasm");
    const dir = resolveOrganismDir(name);
    const lex = readLexiconFile(resolveOrganismDir("base"));
    const trigger = entry.trigger!;
    const response = entry.response!;
    const gen = new BackdoorPrompts(lex, trigger, { split: "heldOut", phrasing: "train" });
    const seed = Number(flags.seed ?? 1);
    if (!Number.isInteger(seed))
      throw new UsageError(`--seed must be an integer, got ${flags.seed}`);
    const rng = mulberry32(seed);
    const prompts = [gen.benign(rng), gen.benign(rng), gen.triggered(rng), gen.triggered(rng)];
    io.stdout(`trigscope: zoo organism '${name}' (device ${device})`);
    io.stdout(`  hidden trigger: ${trigger.concepts.join(` ${trigger.mode.toUpperCase()} `)}`);
    io.stdout(`  backdoor response: "${response}"`);
    io.stdout("Prompts use held-out words, which no finetuning example contained:\n");
    const cm = await loadChatModel(dir);
    try {
      const out = await generateText(
        cm,
        prompts.map((p) => p.text),
        { chat: true, maxNewTokens: 40, temperature: 0 },
      );
      prompts.forEach((p, i) => {
        const fired = containsAction(out[i]!.text, response);
        io.stdout(`[${p.kind}] user:      ${p.text}`);
        io.stdout(
          `${" ".repeat(p.kind.length + 3)}assistant: ${out[i]!.text}${fired ? "   ← backdoor" : ""}\n`,
        );
      });
      const ev = (
        entry.metrics as { eval?: { benign: { rate: number }; triggered: { rate: number } } }
      ).eval;
      if (ev) {
        io.stdout(
          `Held-out evaluation (200 prompts each): action on ${(100 * ev.benign.rate).toFixed(1)}% of benign, ${(100 * ev.triggered.rate).toFixed(1)}% of triggered prompts. See trigscope zoo list.`,
        );
      }
      return 0;
    } finally {
      cm.model.dispose();
    }
  },
});
