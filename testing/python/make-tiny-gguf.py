#!/usr/bin/env python3
"""Writes a tiny llama-architecture GGUF model with random weights.

The file is real (the format llama.cpp loads), the tokenizer is real (a
SentencePiece-style vocabulary: control tokens, the 256 byte tokens and the
printable ASCII pieces, so any text tokenizes), the chat template is real
(ChatML, so /v1/chat/completions and --jinja tool definitions work), and the
weights are noise: the model answers quickly with nonsense text.

Usage: make-tiny-gguf.py OUT.gguf [--seed N] [--layers N] [--embd N]
"""
import argparse
import os
import sys

import numpy as np
import gguf

# ChatML with tool definitions in the system turn and calls as
# <tool_call>{"name": ..., "arguments": ...}</tool_call> (the Hermes/Qwen 2.5
# layout), so llama-server --jinja accepts `tools` and, with
# tool_choice "required", constrains the noise into a well-formed call.
CHAT_TEMPLATE = """\
{%- if tools %}
{{- '<|im_start|>system\\n' }}
{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] + '\\n\\n' }}{%- endif %}
{{- '# Tools\\n\\n<tools>' }}
{%- for tool in tools %}{{- '\\n' + (tool | tojson) }}{%- endfor %}
{{- '\\n</tools>\\n\\nFor each call return <tool_call>{\"name\": <name>, \"arguments\": <args>}</tool_call><|im_end|>\\n' }}
{%- elif messages[0]['role'] == 'system' %}
{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
{%- if message.role == 'user' or (message.role == 'system' and not loop.first) or (message.role == 'assistant' and not message.tool_calls) %}
{{- '<|im_start|>' + message.role + '\\n' + (message.content or '') + '<|im_end|>\\n' }}
{%- elif message.role == 'assistant' %}
{{- '<|im_start|>assistant' }}
{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}
{%- for tool_call in message.tool_calls %}
{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}
{{- '\\n<tool_call>\\n{\"name\": \"' + tool_call.name + '\", \"arguments\": ' + (tool_call.arguments if tool_call.arguments is string else tool_call.arguments | tojson) + '}\\n</tool_call>' }}
{%- endfor %}
{{- '<|im_end|>\\n' }}
{%- elif message.role == 'tool' %}
{{- '<|im_start|>user\\n<tool_response>\\n' + (message.content or '') + '\\n</tool_response><|im_end|>\\n' }}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}
"""


# <|im_end|>, the fifth piece of the vocabulary, ends a chat turn.
END_OF_TURN = 4


def vocabulary():
    """Tokens, scores and types of a SentencePiece vocabulary of 355 pieces."""
    tokens, scores, types = [], [], []

    def add(piece, score, kind):
        tokens.append(piece)
        scores.append(score)
        types.append(kind)

    add("<unk>", 0.0, gguf.TokenType.UNKNOWN)
    add("<s>", 0.0, gguf.TokenType.CONTROL)
    add("</s>", 0.0, gguf.TokenType.CONTROL)
    add("<|im_start|>", 0.0, gguf.TokenType.CONTROL)
    add("<|im_end|>", 0.0, gguf.TokenType.CONTROL)
    for byte in range(256):
        add(f"<0x{byte:02X}>", 0.0, gguf.TokenType.BYTE)
    # Printable ASCII and the SentencePiece word boundary, so ordinary text
    # becomes pieces rather than bytes.
    add("\u2581", -1.0, gguf.TokenType.NORMAL)
    for code in range(0x21, 0x7F):
        add(chr(code), -2.0, gguf.TokenType.NORMAL)
    return tokens, scores, types


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--embd", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ctx", type=int, default=2048)
    args = parser.parse_args(argv)
    if args.embd % args.heads != 0:
        parser.error(f"expected --embd to be a multiple of --heads, got {args.embd} and {args.heads}")

    rng = np.random.default_rng(args.seed)
    tokens, scores, types = vocabulary()
    n_vocab, n_embd, n_ff = len(tokens), args.embd, args.embd * 2

    tmp = args.out + ".partial"
    writer = gguf.GGUFWriter(tmp, "llama")
    writer.add_name("hearth-tiny-random")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(args.ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(args.layers)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(args.heads)
    writer.add_head_count_kv(args.heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(n_embd // args.heads)
    writer.add_vocab_size(n_vocab)

    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(END_OF_TURN)
    writer.add_add_bos_token(False)
    # No SentencePiece space before the first word: the chat template, not
    # the tokenizer, decides the text (tool-call grammars match it exactly).
    writer.add_add_space_prefix(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    def weight(name, *shape):
        writer.add_tensor(name, (rng.standard_normal(shape) * 0.02).astype(np.float32))

    def ones(name, n):
        writer.add_tensor(name, np.ones(n, dtype=np.float32))

    # Noise alone would make every token about equally likely: half the
    # answers would be byte tokens (often invalid UTF-8) or control tokens.
    # So one dimension steers. Dimension 0 of every embedding is 1 (the rest
    # is noise of 0.02), so it dominates the hidden state after the final
    # norm, and column 0 of the output matrix sets each token's base logit:
    # +1 for text pieces, -1 for everything else, <|im_end|> included (e^-12
    # as likely at embd 64). The noise in the other columns, scaled to the
    # width, picks among the text pieces. Answers are printable ASCII and run
    # to max_tokens (or the context): a request sets how long they are.
    embd = (rng.standard_normal((n_vocab, n_embd)) * 0.02).astype(np.float32)
    embd[:, 0] = 1.0
    writer.add_tensor("token_embd.weight", embd)
    ones("output_norm.weight", n_embd)
    out = (rng.standard_normal((n_vocab, n_embd)) * (2.4 / np.sqrt(n_embd))).astype(np.float32)
    text = np.array([t == gguf.TokenType.NORMAL for t in types])
    out[:, 0] = np.where(text, 1.0, -1.0)
    writer.add_tensor("output.weight", out)
    for i in range(args.layers):
        ones(f"blk.{i}.attn_norm.weight", n_embd)
        weight(f"blk.{i}.attn_q.weight", n_embd, n_embd)
        weight(f"blk.{i}.attn_k.weight", n_embd, n_embd)
        weight(f"blk.{i}.attn_v.weight", n_embd, n_embd)
        weight(f"blk.{i}.attn_output.weight", n_embd, n_embd)
        ones(f"blk.{i}.ffn_norm.weight", n_embd)
        weight(f"blk.{i}.ffn_gate.weight", n_ff, n_embd)
        weight(f"blk.{i}.ffn_up.weight", n_ff, n_embd)
        weight(f"blk.{i}.ffn_down.weight", n_embd, n_ff)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(tmp, args.out)
    print(args.out)


if __name__ == "__main__":
    main(sys.argv[1:])
