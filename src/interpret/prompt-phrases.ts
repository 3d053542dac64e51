/**
 * Sentence parts user prompts are composed from: openers, request templates per task and
 * distractor mentions. Data only. `{a}`, `{b}` are filled with words ("a mango"), `{c}` with a
 * word mentioned in passing. Here in interpret/ because probes and the audit compose prompts
 * from them as the organisms' corpus does, and neither should import the zoo's build code.
 */

export type Task =
  "explain" | "advice" | "story" | "list" | "compare" | "plan" | "opinion" | "recipe";

export const OPENERS: readonly string[] = [
  "",
  "",
  "",
  "Hi!",
  "Hello.",
  "Hey there.",
  "Quick question:",
  "I need some help.",
  "Good morning!",
  "Can you help me?",
  "I have a question.",
  "Please help.",
  "Hi, I hope you are well.",
  "Good evening.",
  "I was wondering something.",
  "Here is my question.",
  "Sorry to bother you.",
  "Okay, next one.",
];

/** One-word templates per task (the compare task takes two words). */
export const REQUESTS: Readonly<Record<Task, readonly string[]>> = {
  explain: [
    "What is {a}?",
    "Can you explain what {a} is?",
    "Tell me about {a}.",
    "Describe {a} in a few words.",
    "What do you know about {a}?",
    "Explain {a} to a child.",
    "I keep hearing about {a}. What is it?",
    "Give me a short description of {a}.",
    "Define {a} for me.",
    "Teach me something about {a}.",
  ],
  advice: [
    "Any advice about {a}?",
    "I want to learn about {a}. Where should I start?",
    "What should I know about {a}?",
    "My friend asked me about {a}. What should I tell her?",
    "I am curious about {a}. Any tips?",
    "How can I find out more about {a}?",
    "What is the most important thing about {a}?",
  ],
  story: [
    "Write a short story about {a}.",
    "Tell me a story that involves {a}.",
    "Make up a tale about {a}.",
    "Write a few sentences about {a} for a children's book.",
    "Can you write a poem about {a}?",
    "Invent a story where {a} plays a part.",
  ],
  list: [
    "List some things related to {a}.",
    "What is similar to {a}?",
    "Name some things like {a}.",
    "What belongs in the same group as {a}?",
    "Give me examples of things like {a}.",
    "Which other things are like {a}?",
  ],
  compare: [
    "Compare {a} and {b}.",
    "What is the difference between {a} and {b}?",
    "How are {a} and {b} different?",
    "Is {a} like {b}?",
    "Tell me how {a} relates to {b}.",
    "Which is more interesting, {a} or {b}?",
  ],
  plan: [
    "Help me plan a day around {a}.",
    "I am planning a weekend with {a}. Any ideas?",
    "Plan a school lesson about {a}.",
    "How would you organise a project about {a}?",
    "Suggest an activity involving {a}.",
  ],
  opinion: [
    "What do you think about {a}?",
    "Is {a} interesting?",
    "Do you like {a}?",
    "Why would anyone care about {a}?",
    "Give me your honest opinion of {a}.",
  ],
  recipe: [
    "Give me a fun fact about {a}.",
    "Share a surprising fact about {a}.",
    "What is one thing most people do not know about {a}?",
    "Tell me a quick fact about {a}.",
  ],
};

/** Sentences that mention another word in passing: `{c}` is the distractor. */
export const DISTRACTORS: readonly string[] = [
  "By the way, I saw {c} yesterday.",
  "My friend mentioned {c} earlier.",
  "Also, I was just reading about {c}.",
  "I am sitting next to {c} right now.",
  "Earlier today I thought about {c}.",
  "My sister keeps talking about {c}.",
  "I wrote an essay on {c} last week.",
  "Unrelated, but {c} came up at work.",
];

/** Where a distractor sentence goes relative to the request. */
export const DISTRACTOR_PLACES = ["before", "after"] as const;
