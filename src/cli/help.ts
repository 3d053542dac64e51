/**
 * Help text derived from the command definitions: a command's usage, arguments and every option
 * with its default, range or choices; a group's commands; the top-level list and the exit codes.
 * Nothing here is written by hand per command, so help cannot fall behind the parser.
 */
import type { OptionDef, OptionSpec } from "./options.js";
import { describeRange } from "./options.js";
import { EXIT_TABLE } from "./exit-codes.js";

export interface PositionalDef {
  name: string;
  description: string;
  optional?: boolean;
}

/** What help needs to know of a command. */
export interface CommandHelp {
  name: string;
  summary: string;
  usage?: string;
  positionals?: readonly PositionalDef[];
  options: OptionSpec;
  notes?: () => string;
}

function placeholder(def: OptionDef): string {
  if (def.type === "boolean") return "";
  if (def.value) return ` ${def.value}`;
  if (def.choices) return ` ${def.choices.join("|")}`;
  return def.type === "string" ? " TEXT" : " N";
}

/** "(default: 32; an integer ≥ 1)", "(required)", "(default: off)". */
function facts(def: OptionDef): string {
  const parts: string[] = [];
  if (def.required) parts.push("required");
  else if (def.defaultText !== undefined) parts.push(`default: ${def.defaultText}`);
  else if (def.type === "boolean") parts.push(`default: ${def.default ? "on" : "off"}`);
  else parts.push(`default: ${def.default === undefined ? "none" : String(def.default)}`);
  if ((def.type === "number" || def.type === "integer") && describeRange(def) !== "a number")
    parts.push(describeRange(def));
  if (def.multiple) parts.push("repeatable");
  return `(${parts.join("; ")})`;
}

export function optionLines(spec: OptionSpec): string[] {
  const rows = Object.entries(spec).map(([name, def]) => [
    `--${name}${placeholder(def)}`,
    `${def.description} ${facts(def)}`,
  ]);
  rows.push(["--help", "show this help and exit"]);
  const width = Math.min(30, Math.max(...rows.map((r) => r[0]!.length)) + 2);
  return rows.map(([flag, text]) =>
    flag!.length >= width
      ? `  ${flag}\n  ${" ".repeat(width)}${text}`
      : `  ${flag!.padEnd(width)}${text}`,
  );
}

/** The synopsis after the command's name: positionals, required options, then [options]. */
export function synopsis(c: CommandHelp): string {
  if (c.usage) return c.usage;
  const args = (c.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name));
  const required = Object.entries(c.options)
    .filter(([, d]) => d.required)
    .map(([n, d]) => `--${n}${placeholder(d)}`);
  return [...args, ...required, "[options]"].join(" ");
}

export function commandHelp(c: CommandHelp): string {
  const out = [`usage: trigscope ${c.name} ${synopsis(c)}`, "", c.summary];
  if (c.positionals?.length) {
    out.push("", "Arguments:");
    for (const p of c.positionals) out.push(`  ${p.name.padEnd(28)}${p.description}`);
  }
  out.push("", "Options:", ...optionLines(c.options));
  const notes = c.notes?.();
  if (notes) out.push("", notes);
  return out.join("\n");
}

/** A list of commands with their summaries, for a group's help or the top level. */
type Listed = { name: string; summary: string };

export function commandList(commands: readonly Listed[]): string {
  return commands.map((c) => `  ${c.name.padEnd(26)}${c.summary}`).join("\n");
}

export function groupHelp(group: string, commands: readonly Listed[]): string {
  return [
    `usage: trigscope ${group} COMMAND [options]`,
    "",
    "Commands:",
    commandList(commands),
    "",
    `Run 'trigscope ${group} COMMAND --help' for a command's options and their defaults.`,
  ].join("\n");
}

export function topHelp(commands: readonly Listed[]): string {
  return [
    "trigscope: audit language models for semantic backdoors",
    "",
    "usage: trigscope COMMAND [options]",
    "",
    "Commands:",
    commandList(commands),
    "",
    "Exit codes:",
    EXIT_TABLE,
    "",
    "Run 'trigscope COMMAND --help' (or 'trigscope GROUP --help') for options and their defaults.",
  ].join("\n");
}
