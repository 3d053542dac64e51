/**
 * What report.html shows a reader: latent scores in a readable power of ten (not 0.0000), the
 * objective curve with labelled axes and its terms apart from the final loss, and steered samples
 * that fired as well as ones that did not.
 */
import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../src/audit/html.js";
import { scoreScale } from "../../src/audit/units.js";
import { fixtureReport } from "../web/fixtures.js";

describe("report.html", () => {
  const html = renderReportHtml(fixtureReport());

  it("shows SAE-Attribution scores of ~1e-5 in units of 10⁻⁵", () => {
    expect(html).not.toContain("0.0000");
    expect(html).toContain("score (×10⁻⁵)");
    expect(html).toMatch(/<td class="num">6\.38<\/td>/);
  });

  it("labels the curve's axes and says the final loss has no penalty", () => {
    expect(html).toContain(">step</text>");
    expect(html).toContain("objective L + λ‖z‖₁</text>");
    expect(html).toContain("final loss 0.09820: L alone at the returned z (no penalty)");
  });

  it("shows the steered samples that fired and those that did not", () => {
    expect(html).toContain("2 that fired, 2 that did not (of 32 prompts)");
    expect(html.match(/class="hit">fired/g)).toHaveLength(2);
    expect(html.match(/class="miss">did not fire/g)).toHaveLength(2);
  });
});

describe("score scale", () => {
  it("picks the largest score's power of ten for tiny and huge columns only", () => {
    expect(scoreScale([6.38e-5, 3.1e-5]).suffix).toBe(" (×10⁻⁵)");
    expect(scoreScale([6.38e-5]).format(3.1e-5)).toBe("3.10");
    expect(scoreScale([31.6, 2]).suffix).toBe("");
    expect(scoreScale([31.6, 2]).format(2)).toBe("2.0");
    expect(scoreScale([0.25]).format(0.25)).toBe("0.250");
    expect(scoreScale([12345]).suffix).toBe(" (×10⁴)");
  });
});
