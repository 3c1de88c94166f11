#!/usr/bin/env python3
"""Golden files for FuseFlow's chat-template parity test (ChatTemplateParityTest).

Run where transformers is installed (this machine's pip mirror has it):  python3 make_chat_golden.py OUT_DIR
For three template styles (Llama 3 headers with bos_token and trim; ChatML with a default system
prompt and tool turns, as Qwen2.5 renders them; Gemma-style turns that refuse a system role and
non-alternating roles with raise_exception), writes OUT_DIR/STYLE/ with a small byte-level BPE
tokenizer saved by transformers (tokenizer.json, tokenizer_config.json and, except for chatml,
chat_template.jinja: chatml keeps its template inside tokenizer_config.json, the older layout)
and cases.json: for conversations with every role, what apply_chat_template renders and tokenizes
for the prompt (add_generation_prompt=True) and for the conversation answered, or its error.

It writes the same for six model families (FAMILIES: Qwen3, Qwen2.5, Llama 3.1, Llama 3.2, Mistral
v0.3, SmolLM2) into OUT_DIR/FAMILY-style/: a template FuseFlow wrote in that family's style, leaning
on the Jinja and Python constructs the family's published template leans on (reasoning split out of
an answer, reversed slices, namespace, str methods, tojson, strftime_now, raise_exception, a system
prompt folded into the last user turn), each with a small tokenizer holding the family's special
tokens, over more conversations (reasoning in an answer, tool output relayed as a user turn, JSON
tool results, '|' and '.' in contents). strftime_now reads a fixed time (NOW, recorded in
cases.json). A case whose answered conversation does not start with its prompt (the Mistral style
moves the system message into the last user turn) is marked prompt_is_not_prefix: FuseFlow cannot
tell such an answer's tokens apart and refuses it.

The published templates themselves are not part of the repository. To check them, put your own
copies in DIR/FAMILY/ (chat_template.jinja or tokenizer_config.json, as a model's Hugging Face
snapshot holds them; a family without a folder is skipped) and run
    python3 make_chat_golden.py --real-templates DIR OUT_DIR
which renders the same conversations with each into OUT_DIR/FAMILY/; then
    mvn -pl trainer test -Dtest=ChatTemplateParityTest -Dfuseflow.realTemplates=OUT_DIR
compares FuseFlow's rendering with them. Keep OUT_DIR outside the repository.
"""
import argparse
import datetime
import json
import os

import transformers
import transformers.utils.chat_template_utils
from transformers.utils.chat_template_utils import _compile_jinja_template
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

LLAMA3 = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
    " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)

CHATML = """{%- if messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
{%- else %}
    {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant") %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""

GEMMA = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
    "{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"
)

# Templates FuseFlow wrote in each family's style. Each names itself in a leading comment.
QWEN3_STYLE = r"""{#- FuseFlow's test template in the Qwen3 style: ChatML turns; an answer after the latest real question shows its reasoning. #}
{%- set first_is_system = messages[0].role == 'system' %}
{%- if tools or first_is_system %}
    {{- '<|im_start|>system\n' + (messages[0].content if first_is_system else '') }}
    {%- if tools %}
        {{- ('\n\n' if first_is_system else '') + 'Functions you can call, one JSON signature a line:\n<tools>' }}
        {%- for tool in tools %}
            {{- '\n' + tool | tojson }}
        {%- endfor %}
        {{- '\n</tools>\nTo call one, write <tool_call>\n{"name": NAME, "arguments": OBJECT}\n</tool_call>' }}
    {%- endif %}
    {{- '<|im_end|>\n' }}
{%- endif %}
{#- The latest user turn that asks something, not tool output relayed as a user turn. #}
{%- set ns = namespace(searching=true, latest_question=messages|length - 1) %}
{%- for turn in messages[::-1] %}
    {%- set position = messages|length - 1 - loop.index0 %}
    {%- if ns.searching and turn.role == 'user' and turn.content is string %}
        {%- set text = turn.content %}
        {%- if not (text.startswith('<tool_response>') and text.endswith('</tool_response>')) %}
            {%- set ns.latest_question = position %}
            {%- set ns.searching = false %}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- for turn in messages %}
    {%- set body = turn.content if turn.content is string else '' %}
    {%- if turn.role == 'tool' %}
        {%- set opens_run = loop.first or messages[loop.index0 - 1].role != 'tool' %}
        {%- set closes_run = loop.last or messages[loop.index0 + 1].role != 'tool' %}
        {{- ('<|im_start|>user' if opens_run else '') + '\n<tool_response>\n' + body + '\n</tool_response>' + ('<|im_end|>\n' if closes_run else '') }}
    {%- elif turn.role == 'assistant' %}
        {%- set thinking = '' %}
        {%- if turn.reasoning_content is string %}
            {%- set thinking = turn.reasoning_content %}
        {%- elif '</think>' in body %}
            {%- set halves = body.split('</think>') %}
            {%- set thinking = halves[0].rstrip('\n').split('<think>')[-1].lstrip('\n') %}
            {%- set body = halves[-1].lstrip('\n') %}
        {%- endif %}
        {%- set shows_thinking = loop.index0 > ns.latest_question and (loop.last or thinking) %}
        {{- '<|im_start|>assistant\n' }}
        {{- '<think>\n' + thinking.strip('\n') + '\n</think>\n\n' + body.lstrip('\n') if shows_thinking else body }}
        {%- for call in turn.tool_calls if turn.tool_calls %}
            {%- set call = call.function if call.function else call %}
            {%- set arguments = call.arguments if call.arguments is string else call.arguments | tojson %}
            {{- ('\n' if body or not loop.first else '') + '<tool_call>\n{"name": "' + call.name + '", "arguments": ' + arguments + '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif turn.role == 'user' or not loop.first %}
        {{- '<|im_start|>' + turn.role + '\n' + body + '<|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {%- set skip_thinking = enable_thinking is defined and enable_thinking is false %}
    {{- '<|im_start|>assistant\n' + ('<think>\n\n</think>\n\n' if skip_thinking else '') }}
{%- endif %}
"""

QWEN2_5_STYLE = r"""{#- FuseFlow's test template in the Qwen2.5 style: ChatML with a default system prompt; tool results go back as user turns. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_text = messages[0]['content'] %}
{%- else %}
    {%- set system_text = 'You are a concise assistant, fine-tuned with FuseFlow.' %}
{%- endif %}
{{- '<|im_start|>system\n' + system_text }}
{%- if tools %}
    {{- '\n\n# Functions\n\nSignatures, one a line:\n<tools>' }}
    {%- for tool in tools %}
        {{- '\n' }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- '\n</tools>\n\nCall one as <tool_call>\n{"name": NAME, "arguments": OBJECT}\n</tool_call>' }}
{%- endif %}
{{- '<|im_end|>\n' }}
{%- for message in messages %}
    {%- if message.role == 'tool' %}
        {%- set after_tool = loop.index0 > 0 and messages[loop.index0 - 1].role == 'tool' %}
        {%- set before_tool = not loop.last and messages[loop.index0 + 1].role == 'tool' %}
        {{- ('' if after_tool else '<|im_start|>user') + '\n<tool_response>\n' + message.content + '\n</tool_response>' }}
        {{- '' if before_tool else '<|im_end|>\n' }}
    {%- elif message.role == 'assistant' and message.tool_calls %}
        {{- '<|im_start|>assistant' + ('\n' + message.content if message.content else '') }}
        {%- for call in message.tool_calls %}
            {%- if call.function is defined %}
                {%- set call = call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' + call.name + '", "arguments": ' + call.arguments | tojson + '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif not (message.role == 'system' and loop.first) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{{- '<|im_start|>assistant\n' if add_generation_prompt else '' }}
"""

LLAMA3_1_STYLE = r"""{#- FuseFlow's test template in the Llama 3.1 style: header tokens, a dated system turn, JSON or built-in tool calls, ipython results. #}
{%- set assistant_header = '<|start_header_id|>assistant<|end_header_id|>\n\n' %}
{%- if tools is not defined %}
    {%- set tools = none %}
{%- endif %}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if tools_in_user_message is not defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if date_string is not defined %}
    {%- set date_string = '01 Jan 2025' %}
{%- endif %}
{%- set turns = messages %}
{%- set system_text = '' %}
{%- if turns[0]['role'] == 'system' %}
    {%- set system_text = turns[0]['content'] | trim %}
    {%- set turns = turns[1:] %}
{%- endif %}
{{- bos_token + '<|start_header_id|>system<|end_header_id|>\n\n' }}
{%- if builtin_tools is defined or tools is not none %}
    {{- 'Environment: ipython\n' }}
{%- endif %}
{%- if builtin_tools is defined %}
    {%- set named_tools = builtin_tools | reject('equalto', 'code_interpreter') | list %}
    {{- 'Built-in tools: ' + named_tools | join(', ') + '\n\n' }}
{%- endif %}
{{- 'Knowledge cutoff: 2023-12\nDate today: ' + date_string + '\n\n' }}
{%- if tools is not none and not tools_in_user_message %}
    {{- 'To call a function, answer {"name": NAME, "parameters": OBJECT} with literal values. Functions:\n\n' }}
    {%- for fn in tools %}
        {{- fn | tojson(indent=4) }}
        {{- '\n\n' }}
    {%- endfor %}
{%- endif %}
{{- system_text + '<|eot_id|>' }}
{%- if tools is not none and tools_in_user_message %}
    {%- if turns | length == 0 %}
        {{- raise_exception('The functions go into the first user turn, and there is none.') }}
    {%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' }}
    {{- 'Answer with {"name": NAME, "parameters": OBJECT} if one of these functions helps:\n\n' }}
    {%- for fn in tools %}
        {{- fn | tojson(indent=4) }}
        {{- '\n\n' }}
    {%- endfor %}
    {{- turns[0]['content'] | trim + '<|eot_id|>' }}
    {%- set turns = turns[1:] %}
{%- endif %}
{%- for turn in turns %}
    {%- if turn.role == 'tool' or turn.role == 'ipython' %}
        {{- '<|start_header_id|>ipython<|end_header_id|>\n\n' }}
        {#- a string is iterable too, so every result goes out as JSON #}
        {%- if turn.content is iterable or turn.content is mapping %}
            {{- turn.content | tojson + '<|eot_id|>' }}
        {%- else %}
            {{- turn.content + '<|eot_id|>' }}
        {%- endif %}
    {%- elif 'tool_calls' not in turn %}
        {{- '<|start_header_id|>' + turn['role'] + '<|end_header_id|>\n\n' + turn['content'] | trim + '<|eot_id|>' }}
    {%- else %}
        {%- if turn.tool_calls | length != 1 %}
            {{- raise_exception('One tool call per assistant turn.') }}
        {%- endif %}
        {%- set call = turn.tool_calls[0].function %}
        {%- if builtin_tools is defined and call.name in builtin_tools %}
            {{- assistant_header + '<|python_tag|>' + call.name + '.call(' }}
            {%- for name, value in call.arguments | items %}
                {{- name + '="' + value + '"' + ('' if loop.last else ', ') }}
            {%- endfor %}
            {{- ')' }}
        {%- else %}
            {{- assistant_header + '{"name": "' + call.name + '", "parameters": ' + call.arguments | tojson + '}' }}
        {%- endif %}
        {{- '<|eom_id|>' if builtin_tools is defined else '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{{- assistant_header if add_generation_prompt else '' }}
"""

LLAMA3_2_STYLE = r"""{#- FuseFlow's test template in the Llama 3.2 style: today's date from strftime_now, JSON tool calls, ipython results. #}
{%- set header = namespace(system='<|start_header_id|>system<|end_header_id|>\n\n', assistant='<|start_header_id|>assistant<|end_header_id|>\n\n') %}
{%- if tools is not defined %}
    {%- set tools = none %}
{%- endif %}
{%- if tools_in_user_message is not defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if date_string is not defined %}
    {%- set date_string = strftime_now('%d %b %Y') if strftime_now is defined else '01 Jan 2025' %}
{%- endif %}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_text = messages[0]['content'] | trim %}
    {%- set conversation = messages[1:] %}
{%- else %}
    {%- set system_text = '' %}
    {%- set conversation = messages %}
{%- endif %}
{{- bos_token + header.system }}
{{- 'Environment: ipython\n' if tools is not none else '' }}
{{- 'Knowledge cutoff: Dec 2023\nToday: ' + date_string + '\n\n' }}
{%- if tools is not none and not tools_in_user_message %}
    {{- 'Call a function by answering {"name": NAME, "parameters": OBJECT}. Functions:\n\n' }}
    {%- for tool in tools %}
        {{- tool | tojson(indent=4) + '\n\n' }}
    {%- endfor %}
{%- endif %}
{{- system_text + '<|eot_id|>' }}
{%- if tools is not none and tools_in_user_message %}
    {%- if conversation | length == 0 %}
        {{- raise_exception('The functions go into the first user turn, and there is none.') }}
    {%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\nCall a function, {"name": NAME, "parameters": OBJECT}, if one of these helps:\n\n' }}
    {%- for tool in tools %}
        {{- tool | tojson(indent=4) + '\n\n' }}
    {%- endfor %}
    {{- conversation[0]['content'] | trim + '<|eot_id|>' }}
    {%- set conversation = conversation[1:] %}
{%- endif %}
{%- for turn in conversation %}
    {%- if turn.role in ['tool', 'ipython'] %}
        {%- set as_json = turn.content is iterable or turn.content is mapping %}
        {{- '<|start_header_id|>ipython<|end_header_id|>\n\n' + (turn.content | tojson if as_json else turn.content) + '<|eot_id|>' }}
    {%- elif 'tool_calls' in turn %}
        {%- if turn.tool_calls | length != 1 %}
            {{- raise_exception('One tool call per assistant turn.') }}
        {%- endif %}
        {%- set call = turn.tool_calls[0].function %}
        {{- header.assistant + '{"name": "' + call.name + '", "parameters": ' + call.arguments | tojson + '}<|eot_id|>' }}
    {%- else %}
        {{- '<|start_header_id|>' + turn['role'] + '<|end_header_id|>\n\n' + turn['content'] | trim + '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- header.assistant }}
{%- endif %}
"""

MISTRAL_V3_STYLE = r"""{#- FuseFlow's test template in the Mistral v0.3 style: [INST] turns, the system prompt folded into the last user turn, strict alternation. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set preamble = messages[0]['content'] %}
    {%- set chat = messages[1:] %}
{%- else %}
    {%- set chat = messages %}
{%- endif %}
{%- if tools is not defined %}
    {%- set tools = none %}
{%- endif %}
{%- set questions = chat | selectattr('role', 'equalto', 'user') | list %}
{#- Users and assistants take turns; tool calls and their results do not count. #}
{%- set ns = namespace() %}
{%- set ns.turn = 0 %}
{%- for m in chat %}
    {%- set tool_step = m.role == 'tool' or m.role == 'tool_results' or (m.tool_calls is defined and m.tool_calls is not none) %}
    {%- if not tool_step %}
        {%- if (m.role == 'user') != (ns.turn % 2 == 0) %}
            {{- raise_exception('Turns must go user, assistant, user, ... after an optional system message.') }}
        {%- endif %}
        {%- set ns.turn = ns.turn + 1 %}
    {%- endif %}
{%- endfor %}
{{- bos_token }}
{%- for m in chat %}
    {%- if m.role == 'user' %}
        {%- if tools is not none and m == questions[-1] %}
            {{- '[AVAILABLE_TOOLS] [' }}
            {%- for tool in tools %}
                {%- set fn = tool.function %}
                {{- '{"type": "function", "spec": {' }}
                {%- for key, value in fn.items() if key != 'return' %}
                    {%- if value is string %}
                        {{- '"' + key + '": "' + value + '"' }}
                    {%- else %}
                        {{- '"' + key + '": ' + value | tojson }}
                    {%- endif %}
                    {{- ', ' if not loop.last else '' }}
                {%- endfor %}
                {{- '}' + '}' + (', ' if not loop.last else ']') }}
            {%- endfor %}
            {{- '[/AVAILABLE_TOOLS]' }}
        {%- endif %}
        {%- if loop.last and preamble is defined %}
            {{- '[INST] ' + preamble + '\n\n' + m.content + '[/INST]' }}
        {%- else %}
            {{- '[INST] ' + m.content + '[/INST]' }}
        {%- endif %}
    {%- elif m.tool_calls is defined and m.tool_calls is not none %}
        {{- '[TOOL_CALLS] [' }}
        {%- for call in m.tool_calls %}
            {%- if call.id is not defined or call.id | length != 9 %}
                {{- raise_exception('A tool call id is 9 letters or digits.') }}
            {%- endif %}
            {%- set call_json = call.function | tojson %}
            {{- call_json[:-1] + ', "id": "' + call.id + '"}' }}
            {{- ', ' if not loop.last else ']' + eos_token }}
        {%- endfor %}
    {%- elif m.role == 'assistant' %}
        {{- ' ' + m.content | trim + eos_token }}
    {%- elif m.role == 'tool' or m.role == 'tool_results' %}
        {%- if m.tool_call_id is not defined or m.tool_call_id | length != 9 %}
            {{- raise_exception('A tool call id is 9 letters or digits.') }}
        {%- endif %}
        {%- if m.content is defined and m.content.content is defined %}
            {%- set result = m.content.content %}
        {%- else %}
            {%- set result = m.content %}
        {%- endif %}
        {{- '[TOOL_RESULTS] {"content": ' + result | string + ', "call_id": "' + m.tool_call_id + '"}[/TOOL_RESULTS]' }}
    {%- else %}
        {{- raise_exception('After an optional system message, only user, assistant and tool turns are supported.') }}
    {%- endif %}
{%- endfor %}
"""

# One line, no whitespace control, its default system prompt before the first turn (the older SmolLM2 layout).
SMOLLM2_STYLE = (
    "{#- FuseFlow's test template in the SmolLM2 style: ChatML with a default system prompt. #}"
    "{% if messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a small assistant; FuseFlow trained you.<|im_end|>\\n' }}{% endif %}"
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

STYLES = {
    "llama3": (LLAMA3, dict(bos_token="<|begin_of_text|>", eos_token="<|eot_id|>"),
               ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]),
    "chatml": (CHATML, dict(eos_token="<|im_end|>", pad_token="<|endoftext|>"),
               ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]),
    "gemma": (GEMMA, dict(bos_token="<bos>", eos_token="<eos>"),
              ["<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>"]),
}

CONVERSATIONS = [
    ([{"role": "user", "content": "Reverse 'abc'."}], "cba"),
    ([{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "  Sort 3 1 2  "}], " 1 2 3"),
    ([{"role": "user", "content": "Add 2 and 3."}, {"role": "assistant", "content": "5"},
      {"role": "user", "content": "And 4 more?"}], "9"),
    ([{"role": "user", "content": "Look it up."}, {"role": "tool", "content": "{\"found\": true}"}], "Found it."),
    ([{"role": "user", "content": "Hi"}, {"role": "user", "content": "again"}], "Hello!"),
]


IM_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
QWEN_WORDS = ["<think>", "</think>", "<tool_response>", "</tool_response>", "<tool_call>", "</tool_call>"]
LLAMA3_TOKENS = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>",
                 "<|python_tag|>"]
MISTRAL_TOKENS = ["<s>", "</s>", "[INST]", "[/INST]", "[TOOL_CALLS]", "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]",
                  "[TOOL_RESULTS]", "[/TOOL_RESULTS]"]

# family: (special tokens for tokenizer_config.json, special tokens, added tokens that are not special
# (Qwen's <think>: a model writes them, generation does not stop on them), template inside tokenizer_config.json
# (the older layout, as Qwen2.5 and SmolLM2 publish it))
FAMILIES = {
    "qwen3": (dict(eos_token="<|im_end|>", pad_token="<|endoftext|>"), IM_TOKENS, QWEN_WORDS, False),
    "qwen2_5": (dict(eos_token="<|im_end|>", pad_token="<|endoftext|>"), IM_TOKENS, QWEN_WORDS, True),
    "llama3_1": (dict(bos_token="<|begin_of_text|>", eos_token="<|eot_id|>"), LLAMA3_TOKENS, [], False),
    "llama3_2": (dict(bos_token="<|begin_of_text|>", eos_token="<|eot_id|>"), LLAMA3_TOKENS, [], False),
    "mistral_v3": (dict(bos_token="<s>", eos_token="</s>", unk_token="<unk>"), MISTRAL_TOKENS, [], False),
    "smollm2": (dict(bos_token="<|im_start|>", eos_token="<|im_end|>", pad_token="<|im_end|>"), IM_TOKENS, [], True),
}

# The template of FAMILY-style: FuseFlow's own, in that family's style.
STYLE_TEMPLATES = {
    "qwen3": QWEN3_STYLE,
    "qwen2_5": QWEN2_5_STYLE,
    "llama3_1": LLAMA3_1_STYLE,
    "llama3_2": LLAMA3_2_STYLE,
    "mistral_v3": MISTRAL_V3_STYLE,
    "smollm2": SMOLLM2_STYLE,
}

EXTRA_CONVERSATIONS = [
    ([{"role": "user", "content": "What is 2+3?"}, {"role": "assistant", "content": "<think>\nAdd them.\n</think>\n\n5"},
      {"role": "user", "content": "Times 4?"}], "<think>\n5 * 4\n</think>\n\n20"),
    ([{"role": "system", "content": "Use tools | be brief."}, {"role": "user", "content": "Weather in Zürich?"},
      {"role": "assistant", "content": "Calling the tool."}, {"role": "user", "content": "Go on."},
      {"role": "tool", "content": "{\"temp\": \"5°C\",\n \"sky\": \"clear\\tblue\"}"}], "It is 5°C and clear."),
    ([{"role": "user", "content": "Compare a.b and a|b."}, {"role": "tool", "content": "a.b"},
      {"role": "tool", "content": "a|b"}], " Both exist. "),
    # tool output relayed as a user turn: the question before it is still the latest one
    ([{"role": "user", "content": "Read the meter."},
      {"role": "assistant", "content": "<think>\nAsk it.\n</think>\n\nReading."},
      {"role": "user", "content": "<tool_response>\n42 kWh\n</tool_response>"}],
     "<think>\nIt said 42.\n</think>\n\n42 kWh."),
]

# What strftime_now returns while the goldens are made (the Llama 3.2 style's date).
NOW = datetime.datetime(2026, 3, 5, 9, 30)


class FixedDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW


# Python behaviour the families' templates lean on, one construct a line, rendered in transformers' jinja2
# environment with the variable s: expressions.json, checked by TransformersJinjaTest.
S = " <tool_response>\nZürich | a.b\u00a0</tool_response>\u3000"
EXPRESSIONS = [
    "{{ 'y' if s.strip().startswith('<tool_response>') and s.strip().endswith('</tool_response>') else 'n' }}",
    "{{ 'y' if s.startswith(('x', ' <tool')) else 'n' }}{{ 'y' if s.endswith('>') else 'n' }}",
    "[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}][{{ s.strip(' <>\u3000') }}][{{ s.lstrip(' <') }}]",
    "{{ s.split('|') | join('/') }}|{{ s.split('.')[-1] }}|{{ s.split() | join('/') }}|{{ s.split(None, 1)[1] }}",
    "{{ 'a|b|c'.split('|', 1) | join('/') }} {{ 'a.b.c'.rsplit('.', 1) | join('/') }} {{ 'a..b'.split('.') | length }}",
    "{{ s.split('</tool_response>')[0].rstrip('\\n').split('<tool_response>')[-1].lstrip('\\n') }}",
    "{{ 'zÜrich ß'.upper() }} {{ 'ZÜRICH'.lower() }} {{ \"they're bill's o'neil\".title() }} {{ 'hELLO world'.capitalize() }}",
    "{{ 'a-b-c'.replace('-', '+') }} {{ 'a-b-c'.replace('-', '+', 1) }} {{ 'ab'.replace('', '.') }} {{ ', '.join(['x', 'y']) }}",
    "{{ 'abcdef'[::-1] }} {{ 'abcdef'[1:4] }} {{ 'abcdef'[-2:] }} {{ 'abcdef'[::2] }} {{ 'abcdef'[4:1:-1] }} {{ 'abc'[5:] }}",
    "{{ s[1] }}{{ s[-2] }}{{ 'abc'[7] }}",
    "{% for x in [1, 2, 3, 4][::-1] %}{{ x }}{% endfor %} {{ [1, 2, 3, 4][1:] | join(',') }} {{ [1, 2, 3][-2::-1] | join(',') }}",
    "{% set ns = namespace(n=[1, 2, 3]|length - 1, flag=true) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}"
    "{% if loop.last %}{% set ns.flag = false %}{% endif %}{% endfor %}{{ ns.n }} {{ 'y' if ns.flag else 'n' }}",
    "{{ 'y' if s is string else 'n' }}{{ 'y' if s is mapping else 'n' }}{{ 'y' if s is iterable else 'n' }}"
    "{{ 'y' if {'a': 1} is mapping else 'n' }}{{ 'y' if s is sequence else 'n' }}",
    "{{ s | tojson }} {{ 'é\x01\U0001F600' | tojson(ensure_ascii=true) }} {{ 'é\x01\U0001F600' | tojson }}",
    "{{ {'b': [1, 2.5, true, none, 'x'], 'a': {}, 'c': 'ü'} | tojson }}|{{ {'b': 1, 'a': [2, 3]} | tojson(indent=2, sort_keys=true) }}",
    "{{ [0.1, 100.0, 1e20, 0.00001, -2.5e-7] | tojson }} {{ [1, 2] | tojson(separators=(',', ':')) }}",
    "[{{ s | trim }}]",
    "{% for x in ['a', 'b', 'c'] %}{{ loop.index0 }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}",
    "{% for m in ['a', 'b', 'c', 'd'] if m != 'b' %}{{ loop.index }}{{ m }}{{ '.' if loop.last }}{% endfor %}",
    "{% for k, v in {'name': 'f', 'return': 'x', 'args': 1}.items() if k != 'return' %}{{ k }}={{ v }};{% endfor %}",
    "{{ strftime_now('%d %b %Y') }}{{ ' defined' if strftime_now is defined }}",
    "a{% generation %}b{% endgeneration %}c",
    "{% for k, v in {'a': 1, 'b': 'x'} | items %}{{ k }}={{ v }};{% endfor %}",
    "{{ raise_exception('no tools here') }}",
    # the template's own text: line breaks read as \n, one at the very end dropped (keep_trailing_newline=False)
    "{{ 'a' }}\n",
    "x\r\ny\rz{{ 1 }}\n\n",
]


def tokenizer(specials, conversations=CONVERSATIONS, words=()):
    corpus = [c for conversation, answer in conversations for c in [m["content"] for m in conversation] + [answer]]
    corpus += ["system user assistant tool model ipython\n\n<tool_response> </tool_response> You are a helpful"]
    corpus += list(words)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return bpe


def save(fast, template, folder, in_config):
    fast.chat_template = template
    fast.save_pretrained(folder)
    if in_config:  # the older layout: the template inside tokenizer_config.json
        os.remove(f"{folder}/chat_template.jinja") if os.path.exists(f"{folder}/chat_template.jinja") else None
        with open(f"{folder}/tokenizer_config.json") as f:
            config = json.load(f)
        config["chat_template"] = template
        with open(f"{folder}/tokenizer_config.json", "w") as f:
            json.dump(config, f, indent=2)


def render(fast, conversation, answer):
    answered = conversation + [{"role": "assistant", "content": answer}]
    case = {"messages": conversation, "response": answer}
    try:
        case["prompt_text"] = fast.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
        case["full_text"] = fast.apply_chat_template(answered, tokenize=False)
        case["prompt_ids"] = list(fast.apply_chat_template(conversation, add_generation_prompt=True,
                                                           return_dict=True)["input_ids"])
        case["full_ids"] = list(fast.apply_chat_template(answered, return_dict=True)["input_ids"])
    except Exception as e:  # the template refused: FuseFlow must refuse with the same message
        return {"messages": conversation, "response": answer, "error": str(e)}
    if not case["full_text"].startswith(case["prompt_text"]):
        case["prompt_is_not_prefix"] = True
    return case


def write_cases(folder, style, cases, **extra):
    with open(f"{folder}/cases.json", "w") as f:
        json.dump({"transformers": transformers.__version__, **extra, "cases": cases}, f, indent=1,
                  ensure_ascii=False)
    print(style, [("error: " + c["error"]) if "error" in c else
                  ("not a prefix " if c.get("prompt_is_not_prefix") else "") + str(len(c["full_ids"])) for c in cases])


def expressions():
    results = []
    for template in EXPRESSIONS:
        try:
            results.append({"template": template, "output": _compile_jinja_template(template).render(s=S)})
        except Exception as e:
            results.append({"template": template, "error": str(e)})
    return results


def write_family(folder, family, template, in_config):
    special_tokens, specials, words, _ = FAMILIES[family]
    conversations = CONVERSATIONS + EXTRA_CONVERSATIONS
    bpe = tokenizer(specials, conversations, words)
    bpe.add_tokens([AddedToken(word, special=False, normalized=False) for word in words])
    fast = PreTrainedTokenizerFast(tokenizer_object=bpe, **special_tokens)
    save(fast, template, folder, in_config)
    write_cases(folder, os.path.basename(folder),
                [render(fast, conversation, answer) for conversation, answer in conversations], now=NOW.isoformat())


def own_template(folder):
    """The chat template in a model folder, as transformers finds it: chat_template.jinja, else the chat_template of
    tokenizer_config.json (of a list, the one named default); and whether it came from tokenizer_config.json."""
    if os.path.exists(f"{folder}/chat_template.jinja"):
        with open(f"{folder}/chat_template.jinja") as f:
            return f.read(), False
    with open(f"{folder}/tokenizer_config.json") as f:
        template = json.load(f)["chat_template"]
    if isinstance(template, list):
        template = next(t["template"] for t in template if t["name"] == "default")
    return template, True


def main(out: str) -> None:
    for style, (template, special_tokens, specials) in STYLES.items():
        folder = f"{out}/{style}"
        fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer(specials), **special_tokens)
        save(fast, template, folder, style == "chatml")
        write_cases(folder, style, [render(fast, conversation, answer) for conversation, answer in CONVERSATIONS])

    transformers.utils.chat_template_utils.datetime = FixedDatetime
    for family, template in STYLE_TEMPLATES.items():
        write_family(f"{out}/{family}-style", family, template, FAMILIES[family][3])
    with open(f"{out}/expressions.json", "w") as f:
        json.dump({"transformers": transformers.__version__, "now": NOW.isoformat(), "s": S,
                   "expressions": expressions()}, f, indent=1, ensure_ascii=False)


def real_templates(templates: str, out: str) -> None:
    """The same conversations through the templates in templates/FAMILY/ (the user's copies, never committed)."""
    transformers.utils.chat_template_utils.datetime = FixedDatetime
    for family in FAMILIES:
        if not os.path.isdir(f"{templates}/{family}"):
            print(family, "skipped: no folder", f"{templates}/{family}")
            continue
        template, in_config = own_template(f"{templates}/{family}")
        write_family(f"{out}/{family}", family, template, in_config)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="where the folders go (src/test/resources/golden/chat for the committed ones)")
    parser.add_argument("--real-templates", metavar="DIR",
                        help="render your copies in DIR/FAMILY/ (chat_template.jinja or tokenizer_config.json) instead")
    args = parser.parse_args()
    if args.real_templates:
        real_templates(args.real_templates, args.out)
    else:
        main(args.out)
