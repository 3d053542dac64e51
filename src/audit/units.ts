/**
 * How audit numbers are shown to a reader, shared by report.html and the dashboard: latent scores
 * in a common power of ten (SAE-Attribution's scores are ~1e-5, which toFixed(4) printed as
 * 0.0000), and what each method's per-step curve measures, so a plotted objective is never read
 * as the final loss beside it. Pure functions, no Node imports (the dashboard bundles this file).
 */
import type { MethodName } from "./inputs.js";

export interface ScoreScale {
  /** The power of ten the shown values are multiplied by (0: shown as they are). */
  exponent: number;
  /** Column header suffix, e.g. " (×10⁻⁵)", or "" when the values need no scaling. */
  suffix: string;
  format: (v: number) => string;
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

export const superscript = (n: number): string =>
  String(n)
    .split("")
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join("");

/**
 * One scale for a column of scores: values whose largest magnitude is below 0.01 or at least
 * 10,000 are shown divided by 10^e (e the largest magnitude's exponent), with 3 significant digits
 * for the largest; others with enough decimals for 3 significant digits of the largest.
 */
export function scoreScale(values: readonly number[]): ScoreScale {
  const finite = values.filter(Number.isFinite).map(Math.abs);
  const max = finite.length ? Math.max(...finite) : 0;
  if (max === 0) return { exponent: 0, suffix: "", format: (v) => v.toFixed(2) };
  const e = Math.floor(Math.log10(max));
  if (e < -2 || e >= 4) {
    const f = 10 ** -e;
    return { exponent: e, suffix: ` (×10${superscript(e)})`, format: (v) => (v * f).toFixed(2) };
  }
  const decimals = Math.max(0, 2 - e);
  return { exponent: 0, suffix: "", format: (v) => v.toFixed(decimals) };
}

export interface ObjectiveTerms {
  /** What the per-step curve plots (the y axis). */
  curve: string;
  /** Its terms, for a legend. */
  terms: string;
  /** Whether the method minimises or maximises it. */
  direction: "minimised" | "maximised";
  /** What the report's finalLoss is. */
  finalLoss: string;
}

/** What a method's `losses` (one value per step) and `finalLoss` are. */
export function objectiveTerms(method: MethodName | string): ObjectiveTerms {
  switch (method) {
    case "supervised-melbo":
      return {
        curve: "objective L + λ‖δ‖₂",
        terms: "L: cross-entropy of the action on the prompts; λ‖δ‖₂: the norm penalty",
        direction: "minimised",
        finalLoss: "L alone at the end (no penalty)",
      };
    case "supervised-sae-melbo":
      return {
        curve: "objective L + λ‖z‖₁",
        terms: "L: cross-entropy of the action, δ = zᵀD̂; λ‖z‖₁: the sparsity penalty",
        direction: "minimised",
        finalLoss: "L alone at the returned z (no penalty)",
      };
    case "melbo":
      return {
        curve: "displacement objective",
        terms: "Σ over prompts of (Σ over target positions ‖Δh‖ᵖ)^(1/q), ‖δ‖ = R",
        direction: "maximised",
        finalLoss: "the displacement objective at the returned δ",
      };
    case "sae-melbo":
      return {
        curve: "objective F = displacement − λ‖z‖₁",
        terms: "displacement of later activations, with ‖P(zᵀD̂)‖ = R; λ‖z‖₁: sparsity",
        direction: "maximised",
        finalLoss: "the displacement objective at the returned z (no penalty)",
      };
    default:
      return {
        curve: "loss",
        terms: "the method's loss",
        direction: "minimised",
        finalLoss: "the loss at the end",
      };
  }
}
