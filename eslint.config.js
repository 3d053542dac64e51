import js from "@eslint/js";
import tseslint from "typescript-eslint";
import layers from "./eslint/layers.js";

export default tseslint.config(
  { ignores: ["node_modules", "dist", "scratch", ".gpu", "test/fixtures/**/*.py", "zoo/*/*.json"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The layering of docs/architecture.md: imports run one way, and nothing imports in a circle.
    files: ["src/**/*.ts"],
    plugins: { layers },
    rules: {
      "layers/direction": "error",
      "layers/no-cycle": "error",
      "max-lines-per-function": ["warn", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
);
