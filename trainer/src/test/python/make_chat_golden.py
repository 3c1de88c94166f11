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
"""
import json
import os
import sys

import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
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


def tokenizer(specials):
    corpus = [c for conversation, answer in CONVERSATIONS for c in [m["content"] for m in conversation] + [answer]]
    corpus += ["system user assistant tool model ipython\n\n<tool_response> </tool_response> You are a helpful"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return bpe


def main(out: str) -> None:
    for style, (template, special_tokens, specials) in STYLES.items():
        folder = f"{out}/{style}"
        fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer(specials), **special_tokens)
        fast.chat_template = template
        fast.save_pretrained(folder)
        if style == "chatml":  # the older layout: the template inside tokenizer_config.json
            os.remove(f"{folder}/chat_template.jinja") if os.path.exists(f"{folder}/chat_template.jinja") else None
            with open(f"{folder}/tokenizer_config.json") as f:
                config = json.load(f)
            config["chat_template"] = template
            with open(f"{folder}/tokenizer_config.json", "w") as f:
                json.dump(config, f, indent=2)
        cases = []
        for conversation, answer in CONVERSATIONS:
            answered = conversation + [{"role": "assistant", "content": answer}]
            case = {"messages": conversation, "response": answer}
            try:
                case["prompt_text"] = fast.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
                case["full_text"] = fast.apply_chat_template(answered, tokenize=False)
                case["prompt_ids"] = list(fast.apply_chat_template(conversation, add_generation_prompt=True,
                                                                   return_dict=True)["input_ids"])
                case["full_ids"] = list(fast.apply_chat_template(answered, return_dict=True)["input_ids"])
            except Exception as e:  # the template refused: FuseFlow must refuse with the same message
                case = {"messages": conversation, "response": answer, "error": str(e)}
            cases.append(case)
        with open(f"{folder}/cases.json", "w") as f:
            json.dump({"transformers": transformers.__version__, "cases": cases}, f, indent=1, ensure_ascii=False)
        print(style, [("error: " + c["error"]) if "error" in c else len(c["full_ids"]) for c in cases])


if __name__ == "__main__":
    main(sys.argv[1])
