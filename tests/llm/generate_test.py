"""End-to-end test of GGUF language models: bornc compiles a model into a
text-generating executable, and its greedy generation and logits are checked
against llama.cpp run on the same file (tests/llm/llama_reference.c, which
loads llama.cpp's prebuilt libllama).

  generate_test.py BORNC LLAMA_REFERENCE LLAMA_LIB_DIR GGUF_VARIANT MODEL.gguf
                   WORK_DIR

Cases:
  - from BOS (no prompt): 300 greedy tokens, the model's known story; with
    the default context (2048), decode steps for 256, 1024 and 2048 slots,
    and tokens from 256 on go through the second;
  - a prompt fed through prefill in chunks of 8 (4 chunks, the last padded)
    with a 256-token context, then 64 greedy tokens (shorter prompts, under
    half a chunk, go through decode steps one token at a time on the CPU:
    "Once upon a time" with the default chunk of 64 in the synthetic and
    weights-source cases below, and chat turns);
  - the model with F16 weights (written by gguf_variant), 128 tokens, and
    with BF16 weights, 64 tokens, compared like the quantized ones below
    (llama.cpp rounds activations to bf16 for BF16 matrices); float
    matrices, like quantized ones, are read in place: bornc embeds only the
    RoPE tables of the F32 model;
  - the model as a qwen2 (gguf_variant: NeoX RoPE, Q/K/V biases), 64 tokens;
  - compiled with --target=cpu,vulkan and run with --device vulkan
    (lavapipe in CI), 64 tokens;
  - quantized weights read in place: the model with Q8_0 and Q4_0 matrices
    (those whose rows are whole blocks: all but ffn_down, K = 172), and
    synthetic models of its tokenizer with random Q4_K and Q6_K weights
    (K-quant rows take 256 values, stories260K's are 64 wide), on the CPU
    and on Vulkan (Q8_0, Q4_0, Q4_K, Q6_K). Each is compared twice: with llama.cpp running the
    F32 weights the blocks decode to (gguf_variant --dequantize), at 1e-3
    like float models, which shows Born's decoding exact; and with llama.cpp
    running the quantized file itself.
  - the other architectures, as small synthetic models of stories260K's
    tokenizer (gguf_variant --synthetic arch=...; ARCH_CASES): qwen3 with a
    head size other than dim / heads and linear RoPE scaling, gemma2
    (softcaps, sliding window 4 on alternate layers; and without those keys,
    llama.cpp's defaults), gemma3 (6 layers: 5 sliding with RoPE base 10000,
    1 global with base 1e6 and linear scaling by 8; Q/K norms), phi3
    (fused QKV and gate/up; and with Phi-3.5's longrope factors and
    attention factor, long and short), llama with YaRN scaling by 4, and
    llama with Llama 3.1's RoPE
    frequency factors (rope_freqs.weight, 1 to 8), each fed a 20-token
    prompt in prefill chunks of
    8 (so that the window cuts through a chunk and the cache) and then 32
    tokens. Gemma's logits agree to ~6e-4 rather than ~1e-6 (GELU_TOLERANCE,
    2e-3): ggml computes GELU through a table of f16 inputs and outputs,
    Born in f32. And phi3
    with Q8_0 weights (fused matrices read as blocks), as the quantized
    cases above.
  - bornc --compile-to=graph on the Q4_0 model prints each step's IR;
  - where the weights come from: the Q8_0 model read in place from its file
    (the default) and embedded (--embed-weights) generate the same; the
    file moved, then given with -m, or beside the executable moved with
    it; errors for a missing file, another model's file and -m with
    embedded weights;
  - --chat: two user lines on stdin, 8 greedy tokens a reply; each reply
    (text, ids and logits) must equal a plain run whose prompt is the
    conversation so far in ChatML (written here), which proves that feeding
    only the tokens the KV cache lacks is right; with and without a system message (-p, -sys), with the
    format given and with the fallback for a model without a template; an
    unknown --chat-template name fails with a message listing the known ones;
    the model given a Llama 3 tokenizer.chat_template (gguf_variant) chats
    in that format.
Every step's logits must agree with llama.cpp's to 1e-3 of the row's largest
magnitude (2e-3 with F16 weights: llama.cpp rounds the activations to f16
for those matmuls, Born computes in f32; QUANT_TOLERANCE against llama.cpp
on quantized weights, for which llama.cpp rounds the activations to 8-bit
blocks, Q8_0 or Q8_K, while Born multiplies f32 activations by the exactly
decoded weights: random synthetic logits are close together, so their
relative error is the largest, 5e-2), and every chosen token must be the
same.
"""
import os
import re
import shutil
import subprocess
import sys

import numpy as np

KNOWN_TEXT = "Once upon a time, there was a little girl named Lily."
TOLERANCE = 1e-3
QUANT_TOLERANCE = 6e-2
# ggml's GELU looks its f16-rounded input up in a table of f16 results;
# Born computes it in f32 (measured up to 7.7e-4 on the gemma cases).
GELU_TOLERANCE = 2e-3
SYNTHETIC = "vocab=512,dim=256,layers=2,heads=4,kv=2,ffn=512"
ARCH_CASES = [
    ("qwen3", "arch=qwen3,layers=2,heads=4,kv=2,head=32,scale=4"),
    ("gemma2", "arch=gemma2,layers=2,heads=4,kv=2,swa=4"),
    # llama.cpp's softcaps (50, 30) and window when the file has none.
    ("gemma2-defaults", "arch=gemma2,layers=2,heads=4,kv=2,defaults=1"),
    # Linear RoPE scaling by 8 on the global layer only, as Gemma 3 4B has.
    ("gemma3", "arch=gemma3,layers=6,heads=4,kv=1,head=32,swa=6,scale=8"),
    ("phi3", "arch=phi3,layers=2,heads=4,kv=2"),
    # Llama 3.1's RoPE: per-pair frequency factors (rope_freqs.weight).
    ("llama3-freqs", "layers=2,heads=4,kv=2,freqs=1"),
    # Phi-3.5's longrope with attention factor 1.2: the long factors (both
    # contexts, Born's 128 and llama.cpp's, exceed the original 64), then
    # the short ones (original context 4096).
    ("phi3-longrope", "arch=phi3,layers=2,heads=4,kv=2,longrope=64"),
    ("phi3-longrope-short", "arch=phi3,layers=2,heads=4,kv=2,longrope=4096"),
    # YaRN by 4 from an original context of 4096 (Qwen's long-context
    # setting): the ramp blends pairs 10 to 23 of 32.
    ("llama-yarn", "layers=2,heads=4,kv=2,yarn=4"),
]


def run(cmd):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.exit("FAILED: %s\n%s%s" % (" ".join(cmd), result.stdout.decode(),
                                       result.stderr.decode()))
    return result.stdout.decode("utf-8", errors="replace")


def read_ids(path):
    with open(path) as f:
        return [int(line) for line in f]


def check_case(name, bornc, reference, lib_dir, model, work, n, prompt,
               compile_flags, tolerance=TOLERANCE, run_flags=(),
               references=None):
    """Compiles and runs `model` with Born, and compares its greedy tokens
    and logits with llama.cpp's on each (label, model, tolerance) of
    `references` (default: llama.cpp on the same model at `tolerance`)."""
    exe = os.path.join(work, name)
    run([bornc, model, "-o", exe] + compile_flags)
    born_ids, born_logits = exe + ".ids", exe + ".logits.npy"
    text = run([exe, "--temp", "0", "-n", str(n), "--ignore-eos", "-t", "1",
                "--ids-out", born_ids, "--logits-out", born_logits] +
               list(run_flags) +
               (["-p", prompt] if prompt else []))
    ours, logits = read_ids(born_ids), np.load(born_logits)
    failures = []
    for label, ref_model, tol in references or [("", model, tolerance)]:
        what = name + (" vs " + label if label else "")
        ref_ids = exe + label + ".ref.ids"
        ref_logits = exe + label + ".ref.logits"
        run([reference, lib_dir, ref_model, str(n), ref_ids, ref_logits] +
            ([prompt] if prompt else []))
        theirs = read_ids(ref_ids)
        expected = np.fromfile(ref_logits, dtype=np.float32).reshape(n, -1)
        if len(ours) != n or ours != theirs:
            first = next((i for i, (a, b) in enumerate(zip(ours, theirs))
                          if a != b), min(len(ours), len(theirs)))
            failures.append("%s: tokens differ from llama.cpp's at step %d of "
                            "%d: born %s, llama.cpp %s" %
                            (what, first, n, ours[first:first + 5],
                             theirs[first:first + 5]))
        if logits.shape != expected.shape:
            failures.append("%s: logits shape %s, llama.cpp %s" %
                            (what, logits.shape, expected.shape))
            continue
        error = (np.abs(logits - expected).max(axis=1) /
                 np.abs(expected).max(axis=1))
        worst = int(error.argmax())
        print("%s: %d tokens match llama.cpp; logits: first step error %.2e, "
              "worst %.2e at step %d (relative to the row's largest logit)" %
              (what, n, error[0], error[worst], worst))
        if error[worst] > tol:
            failures.append("%s: logits of step %d differ from llama.cpp's by "
                            "%.2e (tolerance %.0e)" %
                            (what, worst, error[worst], tol))
    return text, failures


def quantized_case(name, bornc, reference, lib_dir, variant, model, work, n,
                   prompt, compile_flags, run_flags=()):
    """Born on the quantized `model` against llama.cpp on the F32 weights its
    blocks decode to (exact: the same weights, both in f32) and against
    llama.cpp on `model` itself (which rounds activations to 8 bits)."""
    decoded = model[:-len(".gguf")] + "-decoded.gguf"
    run([variant, model, decoded, "--dequantize", "1"])
    return check_case(name, bornc, reference, lib_dir, model, work, n, prompt,
                      compile_flags, run_flags=run_flags,
                      references=[("decoded", decoded, TOLERANCE),
                                  ("quantized", model, QUANT_TOLERANCE)])


def chatml(messages):
    """The ChatML prompt for (role, content) pairs, opening the assistant's
    turn: llama.cpp's "chatml" format."""
    return "".join("<|im_start|>%s\n%s<|im_end|>\n" % m for m in messages) + \
        "<|im_start|>assistant\n"


LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + "
    "'<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}"
    "{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")


def llama3(messages):
    """llama.cpp's "llama3" format, opening the assistant's turn."""
    return "".join("<|start_header_id|>%s<|end_header_id|>\n\n%s<|eot_id|>" %
                   (r, c.strip()) for r, c in messages) + \
        "<|start_header_id|>assistant<|end_header_id|>\n\n"


def check_chat(bornc, variant, model, work):
    exe = os.path.join(work, "chat")
    run([bornc, model, "-o", exe, "--ctx-size", "256"])
    flags = ["--temp", "0", "-n", "8", "-t", "1"]
    users = ["Once upon a time, there was a dog.", "What did the dog do?"]
    failures = []
    for case, (system, chat_flags) in enumerate([(None, ["--chat-template", "chatml"]),
                               ("You tell stories.", ["-p", "You tell stories."]),
                               ("Be brief.", ["-sys", "Be brief.", "-p", "x",
                                              "--chat-template", "chatml"])]):
        out = os.path.join(work, "chat%d" % case)
        cmd = [exe, "--chat", "--ids-out", out + ".ids", "--logits-out",
               out + ".npy"] + chat_flags + flags
        result = subprocess.run(cmd, input="\n".join(users).encode() + b"\n",
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = result.stderr.decode()
        if result.returncode != 0:
            failures.append("%s failed: %s" % (" ".join(cmd), err))
            continue
        # Each reply as plain generation from the conversation so far; the
        # executable ends the text with a newline, which is not the reply's.
        messages = [("system", system)] if system else []
        expected, ids, logits = "", [], []
        for turn, user in enumerate(users):
            messages.append(("user", user))
            plain = "%s.plain%d" % (out, turn)
            reply = run([exe, "-p", chatml(messages), "--ids-out",
                         plain + ".ids", "--logits-out", plain + ".npy"] +
                        flags)
            expected += reply
            ids += read_ids(plain + ".ids")
            logits.append(np.load(plain + ".npy"))
            messages.append(("assistant", reply[:-1]))
        # The logits too: a few wrong cache entries can leave the greedy
        # text of this small model unchanged.
        logits = np.concatenate(logits)
        if read_ids(out + ".ids") != ids:
            failures.append("chat %s: ids %s, plain runs %s" %
                            (chat_flags, read_ids(out + ".ids"), ids))
        else:
            chat_logits = np.load(out + ".npy")
            error = (np.abs(chat_logits - logits).max(axis=1) /
                     np.abs(logits).max(axis=1)).max()
            print("chat %s: logits within %.1e of plain runs" %
                  (chat_flags, error))
            if error > 1e-4:
                failures.append("chat %s: logits differ from the plain runs' "
                                "by %.2e" % (chat_flags, error))
        got = result.stdout.decode("utf-8", errors="replace")
        print("chat %s: %r" % (chat_flags, got))
        if got != expected:
            failures.append("chat %s: the replies %r differ from plain runs "
                            "on the formatted conversation: %r" %
                            (chat_flags, got, expected))
        # The second turn reuses the first's tokens from the KV cache.
        fed = re.search(r"prompts of (\d+) tokens in all, (\d+) of them fed",
                        err)
        if not fed or not int(fed.group(2)) < int(fed.group(1)):
            failures.append("chat %s: no KV cache reuse reported: %r" %
                            (chat_flags, err))
        if err.count("> ") != len(users) + 1:
            failures.append("chat %s: expected %d '> ' prompts on stderr: %r" %
                            (chat_flags, len(users) + 1, err))
        fallback = "no chat template" in err
        if fallback != ("--chat-template" not in chat_flags):
            failures.append("chat %s: the chatml fallback warning is %s: %r" %
                            (chat_flags, "there" if fallback else "missing",
                             err))
    result = subprocess.run([exe, "--chat", "--chat-template", "nope"],
                            input=b"hi\n", stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    err = result.stderr.decode()
    if result.returncode == 0 or "unknown chat format 'nope'" not in err or \
            "chatml" not in err or "llama3" not in err:
        failures.append("--chat-template nope: expected a failure listing "
                        "the known formats, got rc %d: %r" %
                        (result.returncode, err))

    # The format from the model's own template: GGUF metadata, embedded
    # vocabulary, detection.
    templated = os.path.join(work, "stories-llama3-template.gguf")
    run([variant, model, templated, "--chat-template", LLAMA3_TEMPLATE])
    exe = os.path.join(work, "chat-llama3")
    run([bornc, templated, "-o", exe, "--ctx-size", "256"])
    user = "  Tell me a story. "
    result = subprocess.run([exe, "--chat"] + flags, input=user.encode() + b"\n",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = result.stderr.decode()
    expected = run([exe, "-p", llama3([("user", user)])] + flags)
    if result.returncode != 0 or "format llama3" not in err or \
            result.stdout.decode() != expected:
        failures.append("chat with the model's Llama 3 template: rc %d, %r, "
                        "stderr %r; expected %r" %
                        (result.returncode, result.stdout.decode(), err,
                         expected))
    return failures


def check_compile_to(bornc, model):
    """`bornc model.gguf --compile-to=graph` prints every step's IR: the
    prefill and the decode steps of each cache size, with the quantized
    matrices' blocks read by born.quantized_matmul."""
    ir = run([bornc, model, "--compile-to=graph", "-o", "-"])
    headers = re.findall(r"^// (\w+) step \((\d+) tokens, (\d+) slots\)$", ir,
                         re.MULTILINE)
    expected = [("prefill", "64", "2048"), ("decode_256", "1", "256"),
                ("decode_1024", "1", "1024"), ("decode", "1", "2048")]
    failures = []
    if headers != expected:
        failures.append("--compile-to=graph printed steps %s, expected %s" %
                        (headers, expected))
    if ir.count("born.quantized_matmul q4_0") < len(expected):
        failures.append("--compile-to=graph: no born.quantized_matmul q4_0 in "
                        "every step")
    return failures


def run_fails(cmd, *expected):
    """Runs `cmd`, which must fail with each of `expected` in its stderr;
    returns the failures."""
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = result.stderr.decode()
    if result.returncode == 0:
        return ["%s succeeded; expected an error" % " ".join(cmd)]
    return ["%s: error %r lacks %r" % (" ".join(cmd), err.strip(), e)
            for e in expected if e not in err]


def check_float_in_place(bornc, model, work):
    """An F32 model's matrices are read in place too: what bornc embeds is
    only what it computes (the RoPE tables), a small part of the file."""
    note = subprocess.run([bornc, model, "-o", os.path.join(work, "f32-exe"),
                           "--ctx-size", "256"],
                          stderr=subprocess.PIPE).stderr.decode()
    found = re.search(r"(\d+) KiB of computed ones embedded", note)
    if not found:
        return ["bornc does not say what it embeds: %r" % note]
    if int(found.group(1)) * 1024 > os.path.getsize(model) * 0.1:
        return ["an F32 model's weights are copied into the executable: %r"
                % note]
    return []


def check_weights_source(bornc, model, work):
    """By default the executable reads the quantized blocks in place from
    the GGUF file (absolute path recorded; -m overrides it) and embeds only
    what the file lacks; --embed-weights embeds everything. Both generate
    the same tokens and logits; a moved file, another model given with -m,
    and -m on an embedding executable get clear errors."""
    failures = []
    folder = os.path.join(work, "weights-source")
    os.makedirs(folder, exist_ok=True)
    placed = os.path.join(folder, "model.gguf")
    shutil.copyfile(model, placed)
    in_place, embedded = (os.path.join(folder, n) for n in ("in-place", "embedded"))
    note = subprocess.run([bornc, placed, "-o", in_place, "--ctx-size", "256"],
                          stderr=subprocess.PIPE).stderr.decode()
    if "weights read in place at run time from " + placed not in note:
        failures.append("bornc does not say where the weights are read: %r"
                        % note)
    run([bornc, placed, "-o", embedded, "--ctx-size", "256", "--embed-weights"])
    # Every matrix stays out of the executable, the quantized ones and
    # ffn_down (rows of 172, no whole blocks: F32) alike; only the RoPE
    # tables go in: measured, the in-place executable is 97% of the file
    # smaller.
    saved = os.path.getsize(embedded) - os.path.getsize(in_place)
    if saved < os.path.getsize(placed) * 0.9:
        failures.append("the in-place executable is only %d bytes smaller "
                        "than the embedding one (model file: %d bytes)" %
                        (saved, os.path.getsize(placed)))

    def generate(exe, *flags):
        ids, logits = exe + ".ids", exe + ".logits.npy"
        run([exe, "--temp", "0", "-n", "16", "--ignore-eos", "-t", "1",
             "-p", "Once upon a time", "--ids-out", ids,
             "--logits-out", logits] + list(flags))
        return read_ids(ids), np.load(logits)

    expected = generate(embedded)
    moved = os.path.join(folder, "moved.gguf")
    os.replace(placed, moved)
    for label, (ids, logits) in (
            ("-m moved file", generate(in_place, "-m", moved)),
            ("embedded, file moved", generate(embedded))):
        if ids != expected[0] or not np.array_equal(logits, expected[1]):
            failures.append("%s: generation differs from --embed-weights'"
                            % label)
    failures += run_fails([in_place, "-n", "1"], placed, "not found",
                          "-m / --weights FILE")
    # Executable and model moved together: the file of the recorded name
    # beside the executable is used.
    elsewhere = os.path.join(folder, "elsewhere")
    os.makedirs(elsewhere, exist_ok=True)
    shutil.copy(in_place, elsewhere)
    shutil.copyfile(moved, os.path.join(elsewhere, "model.gguf"))
    ids, logits = generate(os.path.join(elsewhere, "in-place"))
    if ids != expected[0] or not np.array_equal(logits, expected[1]):
        failures.append("moved beside the executable: generation differs from "
                        "--embed-weights'")
    other = os.path.join(work, "stories-q4_0.gguf")
    failures += run_fails([in_place, "-n", "1", "-m", other], other,
                          "recompile with bornc")
    failures += run_fails([embedded, "-n", "1", "-m", moved],
                          "embeds its weights")
    return failures


def main():
    bornc, reference, lib_dir, variant, model, work = sys.argv[1:7]
    os.makedirs(work, exist_ok=True)
    failures = []
    text, f = check_case("from-bos", bornc, reference, lib_dir, model, work,
                         300, None, [])
    failures += f
    if not text.lstrip().startswith(KNOWN_TEXT):
        failures.append("the story does not start with %r: %r" %
                        (KNOWN_TEXT, text[:120]))
    _, f = check_case("chunked-prefill", bornc, reference, lib_dir, model, work,
                      64, "Once upon a time, a little dog named Max found a "
                      "shiny key in the garden",
                      ["--prefill-chunk", "8", "--ctx-size", "256"])
    failures += f
    f16_model = os.path.join(work, "stories-f16.gguf")
    run([variant, model, f16_model, "--type", "f16"])
    _, f = check_case("f16-weights", bornc, reference, lib_dir, f16_model, work,
                      128, None, ["--ctx-size", "256"], tolerance=2e-3)
    failures += f
    # llama.cpp rounds the activations to bf16 for BF16 weights: like a
    # quantized model, checked against the f32 weights they widen to.
    bf16_model = os.path.join(work, "stories-bf16.gguf")
    run([variant, model, bf16_model, "--type", "bf16"])
    _, f = quantized_case("bf16-weights", bornc, reference, lib_dir, variant,
                          bf16_model, work, 64, None, ["--ctx-size", "256"])
    failures += f
    qwen2_model = os.path.join(work, "stories-qwen2.gguf")
    run([variant, model, qwen2_model, "--arch", "qwen2"])
    _, f = check_case("qwen2", bornc, reference, lib_dir, qwen2_model, work,
                      64, None, ["--ctx-size", "256"])
    failures += f
    _, f = check_case("vulkan", bornc, reference, lib_dir, model, work, 64, None,
                      ["--ctx-size", "256", "--target=cpu,vulkan"],
                      run_flags=["--device", "vulkan"])
    failures += f
    for qtype in ("q8_0", "q4_0"):
        qmodel = os.path.join(work, "stories-%s.gguf" % qtype)
        run([variant, model, qmodel, "--type", qtype])
        _, f = quantized_case(qtype + "-weights", bornc, reference, lib_dir,
                              variant, qmodel, work, 64, None,
                              ["--ctx-size", "256"])
        failures += f
    failures += check_compile_to(bornc, os.path.join(work, "stories-q4_0.gguf"))
    failures += check_float_in_place(bornc, model, work)
    failures += check_weights_source(
        bornc, os.path.join(work, "stories-q8_0.gguf"), work)
    for qtype in ("q8_0", "q4_0"):
        _, f = quantized_case(qtype + "-vulkan", bornc, reference, lib_dir,
                              variant,
                              os.path.join(work, "stories-%s.gguf" % qtype),
                              work, 32, None,
                              ["--ctx-size", "256", "--target=cpu,vulkan"],
                              run_flags=["--device", "vulkan"])
        failures += f
    for qtype in ("q4_K", "q6_K"):
        qmodel = os.path.join(work, "synthetic-%s.gguf" % qtype)
        run([variant, model, qmodel, "--synthetic", SYNTHETIC, "--type", qtype])
        _, f = quantized_case("synthetic-" + qtype, bornc, reference, lib_dir,
                              variant, qmodel, work, 32, "Once upon a time",
                              ["--ctx-size", "128"])
        failures += f
        _, f = quantized_case("synthetic-%s-vulkan" % qtype, bornc, reference,
                              lib_dir, variant, qmodel, work, 16,
                              "Once upon a time",
                              ["--ctx-size", "128", "--target=cpu,vulkan"],
                              run_flags=["--device", "vulkan"])
        failures += f
    for name, shape in ARCH_CASES:
        arch_model = os.path.join(work, "synthetic-%s.gguf" % name)
        run([variant, model, arch_model, "--synthetic",
             "vocab=512,dim=64,ffn=128," + shape])
        _, f = check_case(name, bornc, reference, lib_dir, arch_model, work,
                          32, "Once upon a time, a little dog named Max "
                          "found a shiny key in the garden",
                          ["--ctx-size", "128", "--prefill-chunk", "8"],
                          tolerance=GELU_TOLERANCE if "gemma" in name
                          else TOLERANCE)
        failures += f
    # Fused matrices of blocks: phi3 with Q8_0 weights.
    qmodel = os.path.join(work, "synthetic-phi3-q8_0.gguf")
    run([variant, model, qmodel, "--synthetic",
         "vocab=512,dim=64,ffn=128,arch=phi3,layers=2,heads=4,kv=2",
         "--type", "q8_0"])
    _, f = quantized_case("phi3-q8_0", bornc, reference, lib_dir, variant,
                          qmodel, work, 32, "Once upon a time",
                          ["--ctx-size", "128"])
    failures += f
    failures += check_chat(bornc, variant, model, work)
    for failure in failures:
        print("FAIL: " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
