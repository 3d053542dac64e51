/**
 * Chat templates of the model families we build and audit, written in Jinja from the families'
 * published formats (tool calling left out). Generated models get these in tokenizer_config.json.
 * Rendered with transformers' settings (trim_blocks, lstrip_blocks), as @huggingface/jinja does.
 */

/**
 * Llama 3.1 / 3.2 Instruct. Always opens with BOS and a system block carrying the knowledge cutoff
 * and today's date (`strftime_now("%d %b %Y")`, or `date_string` when given); message contents are
 * trimmed (`| trim`), so leading/trailing whitespace of a message is not in the rendered text.
 */
export const LLAMA3_CHAT_TEMPLATE = `{{- bos_token }}
{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] | trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in messages %}
    {%- if message['role'] not in ['user', 'assistant'] %}
        {{- raise_exception("Conversation roles must be user or assistant after the system message") }}
    {%- endif %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
`;

/**
 * Qwen2 Instruct (ChatML). No BOS; when the first message is not a system message the template
 * inserts the default system block "You are a helpful assistant.".
 */
export const QWEN2_CHAT_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}" +
  "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * Qwen3 (ChatML, no default system block). Assistant turns after the last user message show their
 * reasoning in <think>…</think> (an empty block for the final turn); reasoning is split off content
 * that contains </think>. With `enable_thinking=false` the generation prompt ends with an empty
 * think block, "<think>\\n\\n</think>\\n\\n".
 */
export const QWEN3_CHAT_TEMPLATE = `{%- if messages[0].role == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}
{%- endif %}
{%- set ns = namespace(last_query_index=messages|length - 1) %}
{%- for message in messages %}
    {%- if message.role == 'user' %}
        {%- set ns.last_query_index = loop.index0 %}
    {%- endif %}
{%- endfor %}
{%- for message in messages %}
    {%- set content = message.content %}
    {%- if message.role == 'user' or (message.role == 'system' and not loop.first) %}
        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>\\n' }}
    {%- elif message.role == 'assistant' %}
        {%- set reasoning_content = '' %}
        {%- if message.reasoning_content is string %}
            {%- set reasoning_content = message.reasoning_content %}
        {%- elif '</think>' in content %}
            {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}
            {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
        {%- endif %}
        {%- if loop.index0 > ns.last_query_index and (loop.last or reasoning_content) %}
            {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}
        {%- else %}
            {{- '<|im_start|>' + message.role + '\\n' + content }}
        {%- endif %}
        {{- '<|im_end|>\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\\n\\n</think>\\n\\n' }}
    {%- endif %}
{%- endif %}
`;

/**
 * GPT-2 has no chat format; this is ours. Role labels sit on their own line so BPE never merges
 * them with the message ("User:\\nHello", not "User: Hello" whose " Hello" would straddle the
 * boundary), and assistant turns end with <|endoftext|> so generation stops there. No BOS.
 */
export const GPT2_CHAT_TEMPLATE = `{%- for message in messages %}
    {%- if message['role'] == 'system' %}
        {{- message['content'] + '\\n\\n' }}
    {%- elif message['role'] == 'user' %}
        {{- 'User:\\n' + message['content'] + '\\n\\n' }}
    {%- elif message['role'] == 'assistant' %}
        {{- 'Assistant:\\n' + message['content'] + eos_token + '\\n\\n' }}
    {%- else %}
        {{- raise_exception('Unknown role: ' + message['role']) }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- 'Assistant:\\n' }}
{%- endif %}
`;

export const CHAT_TEMPLATES = {
  llama3: LLAMA3_CHAT_TEMPLATE,
  qwen2: QWEN2_CHAT_TEMPLATE,
  qwen3: QWEN3_CHAT_TEMPLATE,
  gpt2: GPT2_CHAT_TEMPLATE,
} as const;

export type ChatFamily = keyof typeof CHAT_TEMPLATES;
