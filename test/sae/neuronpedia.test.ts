import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  NeuronpediaError,
  parseNeuronpediaExplanations,
  readNeuronpediaExplanations,
} from "../../src/sae/neuronpedia.js";

// Records shaped like Neuronpedia's explanation export (layer is the SAE id, index often a string).
const RECORDS = [
  {
    modelId: "gpt2-small",
    layer: "6-res-jb",
    index: "12",
    description: "fruit names",
    explanationModelName: "gpt-4o-mini",
    typeName: "oai_token-act-pair",
    authorId: "x",
  },
  {
    modelId: "gpt2-small",
    layer: "6-res-jb",
    index: 12,
    description: "tropical fruit",
    explanationModelName: "claude",
  },
  { modelId: "gpt2-small", layer: "6-res-jb", index: 40, description: "skiing", typeName: null },
  { modelId: "gpt2-small", layer: "7-res-jb", index: 12, description: "other layer" },
  { modelId: "gemma-2-2b", layer: "6-res-jb", index: 12, description: "other model" },
];

describe("neuronpedia explanations", () => {
  it("reads a JSON array, keeping several explanations per latent and ignoring extra fields", () => {
    const dir = mkdtempSync(join(tmpdir(), "np-"));
    const path = join(dir, "export.json");
    writeFileSync(path, JSON.stringify(RECORDS, null, 2));
    const m = readNeuronpediaExplanations(path, { modelId: "gpt2-small", layer: "6-res-jb" });
    expect([...m.keys()]).toEqual([12, 40]);
    expect(m.get(12)).toEqual([
      {
        index: 12,
        description: "fruit names",
        source: "neuronpedia",
        modelId: "gpt2-small",
        layer: "6-res-jb",
        explanationModelName: "gpt-4o-mini",
        typeName: "oai_token-act-pair",
      },
      {
        index: 12,
        description: "tropical fruit",
        source: "neuronpedia",
        modelId: "gpt2-small",
        layer: "6-res-jb",
        explanationModelName: "claude",
      },
    ]);
    expect(m.get(40)![0]!.typeName).toBeUndefined();
  });
  it("reads JSONL the same way, and without a filter keeps every model and layer", () => {
    const text = RECORDS.map((r) => JSON.stringify(r)).join("\n") + "\n\n";
    const filtered = parseNeuronpediaExplanations(text, "x.jsonl", {
      modelId: "gpt2-small",
      layer: "6-res-jb",
    });
    expect(filtered.get(12)!.map((l) => l.description)).toEqual(["fruit names", "tropical fruit"]);
    const all = parseNeuronpediaExplanations(text, "x.jsonl");
    expect(all.get(12)!.length).toBe(4);
  });
  it("names the file, line and field of a malformed JSONL line", () => {
    const lines = RECORDS.slice(0, 2).map((r) => JSON.stringify(r));
    lines.push(
      JSON.stringify({ modelId: "gpt2-small", layer: "6-res-jb", index: "x1", description: "d" }),
    );
    expect(() => parseNeuronpediaExplanations(lines.join("\n"), "e.jsonl")).toThrow(
      "e.jsonl:3: field 'index'",
    );
    expect(() => parseNeuronpediaExplanations(`${lines[0]}\n{"modelId": `, "e.jsonl")).toThrow(
      /^e\.jsonl:2: not valid JSON/,
    );
    try {
      parseNeuronpediaExplanations(`${lines[0]}\n{"modelId":"m","layer":1,"index":2}`, "e.jsonl");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NeuronpediaError);
      expect(e).toMatchObject({ file: "e.jsonl", line: 2, field: "description" });
    }
  });
  it("names the line of a malformed element of a JSON array", () => {
    const bad = [RECORDS[0], { ...RECORDS[1], description: 3 }];
    // Line 1 "[", element 0 on lines 2–10 ("{", 7 fields, "},"), so element 1 opens on line 11.
    const text = JSON.stringify(bad, null, 2);
    expect(text.split("\n")[10]).toBe("  {");
    expect(() => parseNeuronpediaExplanations(text, "a.json")).toThrow(
      "a.json:11: field '[1].description'",
    );
  });
});
