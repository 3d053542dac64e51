/**
 * The steering gradient differentiates only what the loss after the steered layer reads
 * (src/model/grad-params.ts): the split sends every earlier layer, and an untied embedding, to
 * the side that is not differentiated, and joining gives back the very same tree.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initEngine } from "../../src/engine/device.js";
import { np, tree } from "../../src/engine/jax.js";
import { joinAtLayer, splitAfterLayer } from "../../src/model/grad-params.js";
import type { LayerParams, ModelParams } from "../../src/model/params.js";

beforeAll(async () => {
  await initEngine("wasm");
});

const a = () => np.zeros([2]);
const layer = (): LayerParams => ({
  ln1: { w: a() },
  ln2: { w: a() },
  wq: a(),
  wk: a(),
  wv: a(),
  wo: a(),
  wUp: a(),
  wDown: a(),
});

function params(tied: boolean): ModelParams {
  const p: ModelParams = {
    embed: a(),
    layers: [layer(), layer(), layer(), layer()],
    lnFinal: { w: a() },
  };
  if (!tied) p.unembed = a();
  return p;
}

describe("splitAfterLayer", () => {
  it("differentiates the later layers, the final norm and the unembedding only", () => {
    const p = params(false);
    const { later, earlier } = splitAfterLayer(p, 1);
    expect(later.layers).toEqual([p.layers[2], p.layers[3]]);
    expect(earlier.layers).toEqual([p.layers[0], p.layers[1]]);
    expect(later.unembed).toBe(p.unembed);
    expect(later.embed).toBeUndefined();
    expect(earlier.embed).toBe(p.embed);
    const back = joinAtLayer(later, earlier);
    expect(back.layers.every((l, i) => l === p.layers[i])).toBe(true);
    expect(back.embed).toBe(p.embed);
    expect(back.unembed).toBe(p.unembed);
    expect(back.lnFinal).toBe(p.lnFinal);
    tree.dispose(p);
  });

  it("keeps a tied embedding on the differentiated side, since the unembedding reads it", () => {
    const p = params(true);
    const { later, earlier } = splitAfterLayer(p, 3);
    expect(later.layers).toHaveLength(0);
    expect(later.embed).toBe(p.embed);
    expect(earlier.embed).toBeUndefined();
    expect(joinAtLayer(later, earlier).unembed).toBeUndefined();
    tree.dispose(p);
  });
});
