/**
 * Rendering HF chat templates with @huggingface/jinja, with the globals `transformers` provides.
 *
 * `Template.render` cannot take our own `raise_exception` or `strftime_now` (it declares its globals
 * first, and declaring a name twice throws), and its `strftime_now` reads the clock in the host's
 * locale. So we run the parsed template through the exported Environment/Interpreter ourselves,
 * declaring the same globals as the library's (unexported) setupGlobals, with a fixed-date
 * `strftime_now` (UTC, English month/day names, as Python's C locale prints them).
 */
import {
  Environment as UntypedEnvironment,
  Interpreter as UntypedInterpreter,
  Template,
} from "@huggingface/jinja";

// @huggingface/jinja 0.5.11's index.d.ts re-exports these through extensionless imports, which
// NodeNext resolution rejects, so they type as `any`; these are the members we use.
interface Environment {
  set(name: string, value: unknown): unknown;
}
const Environment = UntypedEnvironment as new () => Environment;
const Interpreter = UntypedInterpreter as new (env: Environment) => {
  run(program: Template["parsed"]): { value: unknown };
};

export class ChatTemplateError extends Error {
  /** The template's file and field (e.g. "<dir>/tokenizer_config.json: chat_template"), when known. */
  readonly origin: string | null;
  constructor(message: string, origin: string | null = null) {
    super(origin === null ? message : `${origin}: ${message}`);
    this.name = "ChatTemplateError";
    this.origin = origin;
  }
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Python's strftime for the common directives, in UTC; unknown directives are left as written. */
export function strftime(date: Date, format: string): string {
  const hour12 = date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12;
  const dayOfYear =
    Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const directives: Record<string, () => string> = {
    Y: () => String(date.getUTCFullYear()),
    y: () => pad(date.getUTCFullYear() % 100),
    m: () => pad(date.getUTCMonth() + 1),
    d: () => pad(date.getUTCDate()),
    e: () => String(date.getUTCDate()).padStart(2, " "),
    b: () => MONTHS[date.getUTCMonth()]!.slice(0, 3),
    B: () => MONTHS[date.getUTCMonth()]!,
    a: () => DAYS[date.getUTCDay()]!.slice(0, 3),
    A: () => DAYS[date.getUTCDay()]!,
    H: () => pad(date.getUTCHours()),
    I: () => pad(hour12),
    p: () => (date.getUTCHours() < 12 ? "AM" : "PM"),
    M: () => pad(date.getUTCMinutes()),
    S: () => pad(date.getUTCSeconds()),
    j: () => pad(dayOfYear, 3),
    "%": () => "%",
  };
  return format.replace(/%(.)/g, (whole, d: string) => directives[d]?.() ?? whole);
}

/** Jinja2's sandbox limit (MAX_RANGE), so a template cannot ask for a billion-element list. */
const MAX_RANGE = 100_000;

/**
 * Items all range() calls of one render may produce together: nested loops over large ranges
 * (range(100000) inside range(100000)) would otherwise run for hours.
 */
const MAX_RANGE_PER_RENDER = 200_000;

/** Python's range() with Jinja2's per-call limit and a per-render budget. */
function budgetedRange(): (start: number, stop?: number, step?: number) => number[] {
  let left = MAX_RANGE_PER_RENDER;
  return (start, stop, step) => {
    const items = pythonRange(start, stop, step);
    left -= items.length;
    if (left < 0) {
      throw new ChatTemplateError(
        `range() calls of one render produced more than ${MAX_RANGE_PER_RENDER} items`,
      );
    }
    return items;
  };
}

function pythonRange(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  for (const n of [start, stop, step]) {
    if (!Number.isSafeInteger(n)) throw new ChatTemplateError(`range() needs integers, got ${n}`);
  }
  if (step === 0) throw new ChatTemplateError("range() step must not be zero");
  if ((stop - start) / step > MAX_RANGE) {
    throw new ChatTemplateError(`range() of more than ${MAX_RANGE} items is not allowed`);
  }
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** Raised by the template's own `raise_exception(...)` call. */
class TemplateRaised extends Error {}

export interface CompiledChatTemplate {
  render(variables: Record<string, unknown>, now: Date): string;
}

const compiled = new Map<string, CompiledChatTemplate>();

/** Parses a chat template once (cached by source); syntax errors become ChatTemplateError. */
export function compileChatTemplate(source: string): CompiledChatTemplate {
  const cached = compiled.get(source);
  if (cached) return cached;
  let template: Template;
  try {
    template = new Template(source);
  } catch (e) {
    throw new ChatTemplateError(`chat template does not parse: ${(e as Error).message}`);
  }
  const result: CompiledChatTemplate = {
    render(variables, now) {
      const env = new Environment();
      const globals: Record<string, unknown> = {
        false: false,
        true: true,
        none: null,
        False: false,
        True: true,
        None: null,
        range: budgetedRange(),
        raise_exception: (message: unknown) => {
          throw new TemplateRaised(String(message));
        },
        strftime_now: (format: unknown) => strftime(now, String(format)),
      };
      for (const [name, value] of Object.entries({ ...globals, ...variables }))
        env.set(name, value);
      try {
        return String(new Interpreter(env).run(template.parsed).value);
      } catch (e) {
        if (e instanceof TemplateRaised) {
          throw new ChatTemplateError(`chat template raised an exception: ${e.message}`);
        }
        throw new ChatTemplateError(`chat template failed to render: ${(e as Error).message}`);
      }
    },
  };
  compiled.set(source, result);
  return result;
}
