/**
 * trigscope's layering, enforced by `npm run lint` (docs/architecture.md, "Folders and what they
 * may import"). Two rules:
 *
 * - `layers/direction`: a file under src/FOLDER/ may import another top-level folder of src/ only
 *   when that folder sits on a lower layer (LAYERS below); folders on the same layer do not import
 *   each other. EXCEPTIONS lists the few type-only imports that run the other way, by file.
 * - `layers/no-cycle`: no import cycle among the files of src/, type-only imports included (a
 *   cycle of types is still two files that cannot be understood one without the other). The
 *   import graph is read from disk once per lint run (static `import`/`export … from` with
 *   relative specifiers; `.js` resolves to the `.ts` file) and its strongly connected components
 *   found with Tarjan's algorithm; an import is reported when its target is in its file's cycle.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** Layer of each top-level folder of src/ (and of src/index.ts): imports go to lower layers only. */
export const LAYERS = {
  engine: 0,
  random: 0,
  progress: 0,
  text: 0,
  io: 1,
  stats: 1,
  lexicon: 2,
  tokenizer: 2,
  model: 3,
  train: 4,
  sae: 5,
  methods: 6,
  interpret: 7,
  audit: 8,
  awareness: 8,
  organisms: 9,
  game: 10,
  sweep: 10,
  web: 10,
  cli: 11,
  "index.ts": 12,
};

/** Imports allowed against the layers: [importing folder, imported file], type-only. */
export const EXCEPTIONS = [
  // None now: the model config type moved to io/model-config.ts, the layer whose parsers produce it.
];

const IMPORT_RE =
  /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/gm;

function resolveSpecifier(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec);
  for (const candidate of [
    base.replace(/\.js$/, ".ts"),
    base,
    `${base}.ts`,
    join(base, "index.ts"),
  ])
    if (candidate.endsWith(".ts") && existsSync(candidate)) return candidate;
  return null;
}

/** Top-level folder of src/ a file belongs to ("index.ts" for src/index.ts), or null outside src/. */
function folderOf(srcRoot, file) {
  const rel = relative(srcRoot, file);
  if (rel.startsWith("..")) return null;
  const parts = rel.split(sep);
  return parts.length === 1 ? parts[0] : parts[0];
}

function srcRootOf(context) {
  const opt = context.options[0] ?? {};
  return resolve(context.cwd ?? process.cwd(), opt.src ?? "src");
}

/** Both rules' meta: a problem, with one option, the src folder (default "src"). */
function ruleMeta(description) {
  return {
    type: "problem",
    docs: { description },
    schema: [
      { type: "object", properties: { src: { type: "string" } }, additionalProperties: false },
    ],
  };
}

const direction = {
  meta: ruleMeta("imports run from higher layers of src/ to lower ones only"),
  create(context) {
    const srcRoot = srcRootOf(context);
    const file = context.filename;
    const from = folderOf(srcRoot, file);
    if (from === null || !(from in LAYERS)) return {};
    const check = (node, typeOnly) => {
      const spec = node.source?.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = resolveSpecifier(file, spec);
      if (!target) return;
      const to = folderOf(srcRoot, target);
      if (to === null || to === from) return;
      const targetRel = relative(srcRoot, target).split(sep).join("/");
      if (!(to in LAYERS)) {
        context.report({
          node,
          message: `src/${to}/ is not in eslint/layers.js's LAYERS: give it a layer`,
        });
        return;
      }
      if (LAYERS[to] < LAYERS[from]) return;
      if (typeOnly && EXCEPTIONS.some(([f, t]) => f === from && t === targetRel)) return;
      context.report({
        node,
        message: `src/${from}/ (layer ${LAYERS[from]}) may not import src/${targetRel} (${to}, layer ${LAYERS[to]}): imports run to lower layers only (docs/architecture.md)`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.importKind === "type"),
      ExportNamedDeclaration: (node) => node.source && check(node, node.exportKind === "type"),
      ExportAllDeclaration: (node) => check(node, node.exportKind === "type"),
    };
  },
};

const graphs = new Map();

function listTs(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** file → the cycle (a set of files) it is in, for every file in a cycle of src/. */
function cyclesOf(srcRoot) {
  const cached = graphs.get(srcRoot);
  if (cached) return cached;
  const edges = new Map();
  for (const f of listTs(srcRoot)) {
    const targets = new Set();
    for (const m of readFileSync(f, "utf8").matchAll(IMPORT_RE)) {
      const t = resolveSpecifier(f, m[2]);
      if (t && t.startsWith(srcRoot)) targets.add(t);
    }
    edges.set(f, targets);
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const inCycle = new Map();
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = new Set();
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.add(w);
      } while (w !== v);
      if (component.size > 1) for (const f of component) inCycle.set(f, component);
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  graphs.set(srcRoot, inCycle);
  return inCycle;
}

const noCycle = {
  meta: ruleMeta("no import cycles among the files of src/"),
  create(context) {
    const srcRoot = srcRootOf(context);
    const file = context.filename;
    const cycle = cyclesOf(srcRoot).get(file);
    if (!cycle) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = resolveSpecifier(file, spec);
      if (!target || !cycle.has(target)) return;
      const names = [...cycle].map((f) => relative(srcRoot, f).split(sep).join("/")).sort();
      context.report({
        node,
        message: `import cycle: ${relative(srcRoot, file).split(sep).join("/")} imports ${relative(srcRoot, target).split(sep).join("/")}, which leads back to it (the cycle: ${names.join(", ")})`,
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: (node) => node.source && check(node),
      ExportAllDeclaration: check,
    };
  },
};

export default { rules: { direction, "no-cycle": noCycle } };
