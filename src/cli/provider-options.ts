/**
 * The options of the awareness commands that call a provider (`awareness run`, `awareness judge`):
 * concurrency, timeout, retries and the API key's environment variable, declared once.
 */
import { count } from "./common-options.js";

export const PROVIDER_OPTIONS = {
  concurrency: count("requests in flight at once", 4),
  timeout: {
    type: "number",
    min: 0,
    minExclusive: true,
    value: "SECONDS",
    defaultText: "the provider's",
    description: "per-request timeout",
  },
  retries: {
    type: "integer",
    min: 0,
    defaultText: "the provider's",
    description: "retries of a failed request",
  },
  "api-key-env": {
    type: "string",
    value: "NAME",
    default: "OPENAI_API_KEY",
    description: "the environment variable holding the API key",
  },
} as const;
