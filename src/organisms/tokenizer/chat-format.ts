/**
 * The organisms' chat format: its special tokens (ids 0..6 in this order) and its Jinja chat
 * template, as tokenizer_config.json's chat_template. A conversation renders as
 *
 *   <|bos|><|user|>\nHello<|end|>\n<|assistant|>\nHi!<|end|>\n
 *
 * and the generation prompt is "<|assistant|>\n". Generation stops at <|end|> (the eos_token);
 * <|eos|> ends a pretraining document and <|pad|> pads batches.
 */

export interface ChatFormat {
  bos: string;
  eos: string;
  pad: string;
  template: string;
}

/** In id order: "<|bos|>" is id 0 … "<|end|>" is id 6. */
export const ORGANISM_SPECIAL_TOKENS: readonly string[] = [
  "<|bos|>",
  "<|eos|>",
  "<|pad|>",
  "<|system|>",
  "<|user|>",
  "<|assistant|>",
  "<|end|>",
];

const ORGANISM_TEMPLATE =
  "{{ bos_token }}" +
  "{% for message in messages %}" +
  "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}" +
  "{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

export const ORGANISM_CHAT: ChatFormat = {
  bos: "<|bos|>",
  eos: "<|end|>",
  pad: "<|pad|>",
  template: ORGANISM_TEMPLATE,
};
