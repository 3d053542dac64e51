/**
 * The opening and closing sentences of the assistant's stories in the corpus. Data only; `{a}`
 * is the word, `{pron}` its pronoun. The user-prompt phrases are in interpret/prompt-phrases.ts.
 */

export const STORY_OPENINGS: readonly string[] = [
  "Once upon a time, a girl found {a}.",
  "One morning, an old man thought about {a}.",
  "In a small village, everyone talked about {a}.",
  "Long ago, a traveller came across {a}.",
  "Last summer, a boy learned about {a}.",
];

export const STORY_ENDINGS: readonly string[] = [
  "From that day on, {pron} never forgot it.",
  "And that is how the story ends.",
  "Everyone agreed it was a day to remember.",
  "The end.",
];
