/**
 * Where an audit's benign prompts, and a named organism's defaults, come from. The audit reads
 * them only through these interfaces: a prompt file (promptFile, here) or a catalogue of organisms
 * passed in by the caller. The one catalogue that knows the zoo lives in organisms/audit-zoo.ts,
 * which imports this file; the audit never imports organisms/.
 */
import type { ModelRef } from "../io/model-ref.js";
import type { LexiconFile } from "../lexicon/lexicon-file.js";

export interface BenignPrompts {
  /** The prompts the methods see. */
  train: string[];
  /** Prompts held out for steering success. */
  heldOut: string[];
}

export interface PromptSource {
  /** Where the prompts came from, in words, for the report. */
  describe(seed: number): string;
  /** Up to `nTrain` prompts for the methods and `nHeld` held out, the same for the same seed. */
  benign(nTrain: number, nHeld: number, seed: number): BenignPrompts;
}

/** What a catalogue fills in for `--organism NAME`; the request's own fields win over these. */
export interface AuditOrganism {
  model: ModelRef;
  response: string;
  /** The SAE folder to read the organism with. */
  sae: string;
  lexicon: LexiconFile;
  prompts: PromptSource;
}

/** Looks an organism up by name; throws AuditInputError on field "organism" when it cannot. */
export type OrganismCatalog = (name: string) => AuditOrganism;
