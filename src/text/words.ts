/**
 * The words of a text in lower case, as the organisms' data checks compare them: runs of
 * letters, digits and apostrophes, joined by inner hyphens ("t-shirt", "don't"). A dash between
 * spaces (" - ") is not a word, so it neither matches nor breaks a multi-word term.
 */
export function lowerWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+(?:-[a-z0-9']+)*/g) ?? [];
}
