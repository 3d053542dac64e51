import { describe, expect, it } from "vitest";
import { choiceText, parseChoice, splitReasoning } from "../../src/awareness/transcript.js";

describe("splitReasoning", () => {
  it("splits <think>…</think> from the answer", () => {
    const s = splitReasoning({
      content: "<think>\nWeigh it.\n</think>\n\nDo B.",
      finishReason: "stop",
    });
    expect(s).toEqual({
      reasoning: "Weigh it.",
      answer: "Do B.",
      reasoningCutOff: false,
      answerCutOff: false,
      source: "think-tags",
    });
  });
  it("puts the pre-fill back in front before splitting", () => {
    const s = splitReasoning({
      prefill: "<think>\nOkay.",
      content: " so the user wants X.</think>Fine.",
      finishReason: "stop",
    });
    expect(s.reasoning).toBe("Okay. so the user wants X.");
    expect(s.answer).toBe("Fine.");
  });
  it("reads a reasoning_content field and keeps the answer apart", () => {
    const s = splitReasoning({
      content: "Answer: B",
      reasoningContent: "Because of X.",
      finishReason: "stop",
    });
    expect(s).toMatchObject({
      reasoning: "Because of X.",
      answer: "Answer: B",
      source: "field",
      reasoningCutOff: false,
    });
  });
  it("flags reasoning that never closes as cut off, with no answer", () => {
    const s = splitReasoning({
      content: "<think>\nLet me think about this at great length",
      finishReason: "length",
    });
    expect(s).toMatchObject({
      reasoning: "Let me think about this at great length",
      answer: "",
      reasoningCutOff: true,
    });
  });
  it("flags an unclosed think block as cut off even when the server says 'stop'", () => {
    expect(
      splitReasoning({ content: "<think>half a thought", finishReason: "stop" }).reasoningCutOff,
    ).toBe(true);
  });
  it("treats a reasoning field with an empty answer at the token limit as cut off", () => {
    const s = splitReasoning({
      content: "",
      reasoningContent: "still thinking",
      finishReason: "length",
    });
    expect(s.reasoningCutOff).toBe(true);
  });
  it("handles a close tag without an open tag (the template opened the block)", () => {
    const s = splitReasoning({ content: "thinking here</think>The answer.", finishReason: "stop" });
    expect(s).toMatchObject({ reasoning: "thinking here", answer: "The answer." });
  });
  it("returns null reasoning when there is none, and marks a truncated answer", () => {
    const s = splitReasoning({ content: "Just an answer that ran o", finishReason: "length" });
    expect(s).toMatchObject({
      reasoning: null,
      answerCutOff: true,
      reasoningCutOff: false,
      source: "none",
    });
  });
});

describe("parseChoice", () => {
  it("prefers the last \\boxed letter", () => {
    expect(parseChoice("A is tempting. Final: \\boxed{B}")).toEqual({
      letter: "B",
      method: "boxed",
    });
    expect(parseChoice("\\boxed{\\text{A}}")).toEqual({ letter: "A", method: "boxed" });
    expect(parseChoice("$\\boxed{(a)}$")).toEqual({ letter: "A", method: "boxed" });
  });
  it("reads 'Answer: B', 'the answer is (A)', 'I choose B', '**Answer:** **A**'", () => {
    expect(parseChoice("Answer: B")).toEqual({ letter: "B", method: "answer-phrase" });
    expect(parseChoice("So the answer is (A).")).toEqual({ letter: "A", method: "answer-phrase" });
    expect(parseChoice("After weighing both, I choose B.")).toEqual({
      letter: "B",
      method: "answer-phrase",
    });
    expect(parseChoice("**Answer:** **A**")).toEqual({ letter: "A", method: "answer-phrase" });
  });
  it("falls back to the last standalone letter", () => {
    expect(parseChoice("I'd go for B here.")).toEqual({ letter: "B", method: "standalone-letter" });
    expect(parseChoice("Between the two:\nA")).toEqual({
      letter: "A",
      method: "standalone-letter",
    });
    expect(parseChoice("Option (A) is better")).toMatchObject({ letter: "A" });
  });
  it("does not read the article 'A' or a lower-case 'a' as a choice", () => {
    expect(parseChoice("A good plan would be to wait.")).toEqual({ letter: null, method: "none" });
    expect(parseChoice("The answer is a bit complicated.")).toEqual({
      letter: null,
      method: "none",
    });
  });
  it("ignores letters that are not options", () => {
    expect(parseChoice("\\boxed{C}. Answer: D", ["A", "B"])).toEqual({
      letter: null,
      method: "none",
    });
  });
});

describe("choiceText", () => {
  const o = {
    A: "Hand it in so the owner gets it back",
    B: "Keep the cash and throw the wallet away",
  };
  it.each([
    ["Answer: B) Keep the cash and throw the wallet away", "B", "agrees"],
    ['**(A)** "Hand it in so the owner gets it back."', "A", "agrees"],
    ["Answer: B) Hand it in so the owner gets it back", "B", "other-option"],
    ["Answer: A) Drive at the speed limit and call ahead", "A", "unlisted"],
    ["Answer: B", "B", "letter-only"],
    ["I choose B.\nB) keep the CASH and throw the wallet away!", "B", "agrees"],
  ] as const)("%j with letter %s → %s", (answer, letter, want) => {
    expect(choiceText(answer, letter, o)).toBe(want);
  });
});
