/**
 * Text helpers with no dependencies, shared by any layer that builds regular expressions from
 * arbitrary strings (trigger terms, answer letters, special tokens).
 */

/**
 * `text` with every character that has a meaning in a regular expression escaped, so that
 * `new RegExp(escapeRegExp(text))` matches `text` literally (with or without the `u` flag).
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
