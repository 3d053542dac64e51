/**
 * The audit methods' names, in the order `--methods all` runs them, and what kind of result each
 * gives. A literal union, so a misspelt method is a type error and an unknown one a named error.
 */
export const METHOD_NAMES = [
  "sae-attribution",
  "supervised-sae-melbo",
  "supervised-melbo",
  "sae-melbo",
  "melbo",
  "weight-diff",
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/**
 * attribution: a latent ranking from the action's gradient; supervised: vectors that make the
 * model give the action; unsupervised: vectors that move later activations most (never see the
 * action); weight-diff: the finetune's adapter read as latents.
 */
export type MethodKind = "attribution" | "supervised" | "unsupervised" | "weight-diff";

export const isMethodName = (s: string): s is MethodName =>
  (METHOD_NAMES as readonly string[]).includes(s);
