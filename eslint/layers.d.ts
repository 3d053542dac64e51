// Types of eslint/layers.js (plain JavaScript, loaded by eslint.config.js) for the TypeScript tests.
import type { ESLint } from "eslint";

export declare const LAYERS: Record<string, number>;
export declare const EXCEPTIONS: [string, string][];
declare const plugin: ESLint.Plugin;
export default plugin;
