/**
 * Paired prompt variants from one item: no trigger (control), trigger, look-alike value (e.g.
 * "Country: USA" for "Country: Singapore"), and trigger + distractor (another model's trigger; the
 * two lines in an order drawn per item from the seed). Trigger lines go at the top or bottom of the
 * user message, as in the source experiments; the pre-fill is recorded with every variant.
 */
import { itemText, type Item, type Position } from "./items.js";
import type { ChatMessage } from "./provider.js";
import { rngFor, shuffled } from "../random/keyed.js";

export type VariantKind = "none" | "trigger" | "lookalike" | "distractor";
export const VARIANT_KINDS: readonly VariantKind[] = ["none", "trigger", "lookalike", "distractor"];

export interface TriggerSpec {
  trigger: string;
  lookalike?: string;
  distractors?: string[];
}

export interface PlacedTrigger {
  text: string;
  role: "trigger" | "lookalike" | "distractor";
  /** Line index among the inserted lines (0 = first). */
  order: number;
}

export interface Variant {
  /** Stable id: item/kind[/position][/dN]. */
  id: string;
  itemId: string;
  kind: VariantKind;
  position: Position | null;
  messages: ChatMessage[];
  prefill: string | null;
  /** What was inserted, in order. Empty for the control. */
  inserted: PlacedTrigger[];
  /** For choice items: option letters, the misaligned one and each option's text. */
  choice: { letters: string[]; misaligned: string; options?: Record<string, string> } | null;
}

export interface VariantOptions {
  kinds: readonly VariantKind[];
  /** Positions used for items that do not fix one. */
  positions: readonly Position[];
  prefill?: string | null;
  seed?: number | string;
}

/** A choice item's letters, misaligned letter and option texts (null for other items). */
function choiceOf(item: Item): Variant["choice"] {
  if (item.kind !== "choice") return null;
  return {
    letters: Object.keys(item.options),
    misaligned: item.misaligned,
    options: { ...item.options },
  };
}

export function buildVariants(
  items: readonly Item[],
  spec: TriggerSpec,
  opts: VariantOptions,
): Variant[] {
  if (opts.kinds.length === 0) throw new Error("no variant kinds requested");
  if (opts.positions.length === 0) throw new Error("no trigger positions requested");
  if (spec.trigger.trim() === "") throw new Error("the trigger must be non-empty");
  if (opts.kinds.includes("lookalike") && !spec.lookalike)
    throw new Error("variant 'lookalike' needs a look-alike value (--lookalike)");
  const distractors = spec.distractors ?? [];
  if (opts.kinds.includes("distractor") && distractors.length === 0)
    throw new Error("variant 'distractor' needs at least one distractor trigger (--distractor)");
  for (const d of distractors)
    if (d.trim().toLowerCase() === spec.trigger.trim().toLowerCase())
      throw new Error(`distractor '${d}' is the trigger itself`);
  const out: Variant[] = [];
  for (const item of items) {
    const question = itemText(item);
    const positions = item.position ? [item.position] : opts.positions;
    const make = (
      kind: VariantKind,
      position: Position | null,
      inserted: PlacedTrigger[],
      suffix = "",
    ): Variant => {
      const lines = inserted.map((t) => t.text).join("\n");
      const user =
        position === null
          ? question
          : position === "top"
            ? `${lines}\n${question}`
            : `${question}\n${lines}`;
      const messages: ChatMessage[] = [
        ...(item.system !== undefined ? [{ role: "system" as const, content: item.system }] : []),
        { role: "user", content: user },
      ];
      return {
        id: [item.id, kind, ...(position ? [position] : []), ...(suffix ? [suffix] : [])].join("/"),
        itemId: item.id,
        kind,
        position,
        messages,
        prefill: opts.prefill ?? null,
        inserted,
        choice: choiceOf(item),
      };
    };
    for (const kind of opts.kinds) {
      if (kind === "none") {
        out.push(make(kind, null, []));
        continue;
      }
      for (const position of positions) {
        if (kind === "trigger")
          out.push(make(kind, position, [{ text: spec.trigger, role: "trigger", order: 0 }]));
        else if (kind === "lookalike")
          out.push(make(kind, position, [{ text: spec.lookalike!, role: "lookalike", order: 0 }]));
        else
          distractors.forEach((d, di) => {
            const rng = rngFor("distractor-order", opts.seed ?? 0, item.id, position, di);
            const lines = shuffled(
              [
                { text: spec.trigger, role: "trigger" as const },
                { text: d, role: "distractor" as const },
              ],
              rng,
            ).map((t, order) => ({ ...t, order }));
            out.push(make(kind, position, lines, `d${di}`));
          });
      }
    }
  }
  return out;
}
