// born_llm_main: the generation loop of executables that bornc makes from
// GGUF language models (docs/llm.md). The compiler hands it models that
// share one signature (compiler/LLM/LlamaModel.h):
//   inputs  tokens i64[T], pos i64[1], (last i64[1] when T > 1),
//           then the KV cache tensors (f32, each with its context of slots
//           along one axis)
//   outputs logits f32[1, V], then per KV cache tensor, in input order, this
//           call's T entries (the cache's shape with T along its slot axis)
// prefill with T = the prompt chunk, decode steps with T = 1, and the
// model's vocabulary (llm/vocab_blob.h). The KV cache lives here: the steps
// only read it, and each call's entries are written into their slots after
// it. Decode steps attend over the whole cache they are given, so there may
// be several, for contexts of increasing size (the last one the prefill's):
// each size has its own cache, every entry is written into each cache that
// has its slot, and a decode at position p runs the smallest step whose
// context holds p.
#include "born/runtime.h"
#include "born/tensor_io.h"

#include "llm/chat_template.h"
#include "llm/sampler.h"
#include "llm/tokenizer.h"
#include "llm/vocab_blob.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace born::llm {
namespace {

struct Options {
  std::string prompt;
  int32_t tokens = 128;       // -n; < 0: until the context is full
  int32_t context = 0;        // -c; 0: the compiled context
  int32_t threads = 0;        // -t; 0: all hardware threads
  int32_t device = BORN_DEVICE_CPU;
  SamplerParams sampling;
  bool seedGiven = false;
  bool ignoreEos = false;
  std::string logitsOut, idsOut;
  std::string modelPath;     // -m: the GGUF file to read the weights from
  bool bench = false;
  bool help = false;
  bool chat = false;         // --chat: an interactive chat on stdin
  std::string chatTemplate;  // --chat-template: a format name
  std::string systemPrompt;  // -sys
  bool systemGiven = false;
};

void printUsage(const char *program, int64_t context, const char *weightsPath) {
  std::string weights =
      weightsPath && *weightsPath
          ? std::string("  -m, --model FILE      the GGUF file to read the weights "
                        "from (default:\n                        ") +
                weightsPath + ")\n"
          : std::string("");
  std::printf(
      "usage: %s [-p PROMPT] [options]\n\n"
      "Generates text from the prompt (after the BOS token when the model "
      "adds one)\nand streams it to stdout; logs and timings go to stderr.\n\n"
      "options:\n"
      "  -p, --prompt TEXT     the prompt (default: empty)\n"
      "  -n, --n-predict N     tokens to generate (default 128, -1: until the "
      "context is full)\n"
      "  -c, --ctx-size N      context in tokens (default and maximum: %lld, "
      "fixed at compile time)\n"
      "  -t, --threads N       CPU threads (default: all)\n"
      "  --temp T              temperature (default 0.8; 0: greedy)\n"
      "  --top-k K             (default 40; 0: off)\n"
      "  --top-p P             (default 0.95; 1: off)\n"
      "  --min-p P             (default 0.05; 0: off)\n"
      "  --repeat-penalty R    (default 1.0: off)\n"
      "  --repeat-last-n N     tokens the penalty looks at (default 64)\n"
      "  -s, --seed S          random seed (default: random)\n"
      "  --ignore-eos          keep generating after an end-of-generation "
      "token\n"
      "  --device cpu|vulkan   where to run (vulkan: when compiled with\n"
      "                        bornc --target=cpu,vulkan)\n"
      "%s"
      "  --logits-out FILE     write the logits of every sampled step as .npy "
      "f32[steps, vocab]\n"
      "  --ids-out FILE        write the generated token ids, one per line\n"
      "  --bench               measure prompt processing (pp512) and generation\n"
      "                        (tg128) speed in tokens/s, as llama-bench does\n"
      "  -cnv, --chat, --conversation\n"
      "                        chat: read user turns from stdin, one a line, "
      "and\n"
      "                        stream the replies (-n tokens at most each)\n"
      "  --chat-template NAME  the chat format (default: the model's)\n"
      "  -sys, --system-prompt TEXT\n"
      "                        the chat's system message (default: -p)\n"
      "  -h, --help            this help\n",
      program, static_cast<long long>(context), weights.c_str());
}

bool parseNumber(const std::string &text, double &out) {
  errno = 0;
  char *end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end != text.c_str() && *end == '\0';
}

bool parseOptions(int argc, char **argv, Options &o, std::string &error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      o.help = true;
      continue;
    }
    if (arg == "--ignore-eos") {
      o.ignoreEos = true;
      continue;
    }
    if (arg == "--bench") {
      o.bench = true;
      continue;
    }
    if (arg == "-cnv" || arg == "--chat" || arg == "--conversation") {
      o.chat = true;
      continue;
    }
    if (i + 1 >= argc) {
      error = "unknown option or missing value: " + arg;
      return false;
    }
    std::string value = argv[++i];
    double number = 0;
    bool numeric = parseNumber(value, number);
    auto integer = [&](int64_t min, auto &out) {
      if (!numeric || number != double(int64_t(number)) || number < min ||
          number > 2147483647.0) {
        error = arg + ": expected an integer >= " + std::to_string(min) +
                ", got '" + value + "'";
        return false;
      }
      out = static_cast<std::remove_reference_t<decltype(out)>>(number);
      return true;
    };
    auto real = [&](float &out) {
      if (!numeric) {
        error = arg + ": expected a number, got '" + value + "'";
        return false;
      }
      out = float(number);
      return true;
    };
    bool ok = true;
    if (arg == "-p" || arg == "--prompt")
      o.prompt = value;
    else if (arg == "-n" || arg == "--n-predict")
      ok = integer(-1, o.tokens);
    else if (arg == "-c" || arg == "--ctx-size")
      ok = integer(0, o.context);
    else if (arg == "-t" || arg == "--threads")
      ok = integer(0, o.threads);
    else if (arg == "--temp")
      ok = real(o.sampling.temperature);
    else if (arg == "--top-k")
      ok = integer(0, o.sampling.topK);
    else if (arg == "--top-p")
      ok = real(o.sampling.topP);
    else if (arg == "--min-p")
      ok = real(o.sampling.minP);
    else if (arg == "--repeat-penalty")
      ok = real(o.sampling.repeatPenalty);
    else if (arg == "--repeat-last-n")
      ok = integer(0, o.sampling.repeatLastN);
    else if (arg == "-s" || arg == "--seed") {
      int64_t seed = 0;
      ok = integer(0, seed);
      o.sampling.seed = uint32_t(seed);
      o.seedGiven = true;
    } else if (arg == "--device") {
      if (value != "cpu" && value != "vulkan") {
        error = "--device: expected cpu or vulkan, got '" + value + "'";
        return false;
      }
      o.device = value == "cpu" ? BORN_DEVICE_CPU : BORN_DEVICE_VULKAN;
    } else if (arg == "--logits-out")
      o.logitsOut = value;
    else if (arg == "--ids-out")
      o.idsOut = value;
    else if (arg == "-m" || arg == "--model")
      o.modelPath = value;
    else if (arg == "--chat-template")
      o.chatTemplate = value;
    else if (arg == "-sys" || arg == "--system-prompt") {
      o.systemPrompt = value;
      o.systemGiven = true;
    }
    else {
      error = "unknown option: " + arg + " (see --help)";
      return false;
    }
    if (!ok)
      return false;
  }
  return true;
}

// A compiled step (prefill or decode) and its session.
struct Step {
  const born_model *model = nullptr;
  born_session *session = nullptr;
  int64_t tokens = 0;       // T
  int32_t firstCache = 0;   // input number of the first KV cache tensor
  std::vector<int32_t> slotAxis; // per cache tensor, the axis of its slots
  int64_t context = 0;           // slots in its cache
  ~Step() {
    if (session)
      born_session_destroy(session);
  }
};

int64_t elements(const born_tensor_info &info) {
  int64_t n = 1;
  for (int32_t i = 0; i < info.rank; ++i)
    n *= info.shape[i];
  return n;
}

bool sameShape(const born_tensor_info &a, const born_tensor_info &b) {
  return a.dtype == b.dtype && a.rank == b.rank &&
         std::equal(a.shape, a.shape + a.rank, b.shape);
}

// Whether a and b have one dtype and rank, and one shape but along `axis`.
bool sameShapeBut(const born_tensor_info &a, const born_tensor_info &b,
                  int32_t axis) {
  if (a.dtype != b.dtype || a.rank != b.rank)
    return false;
  for (int32_t i = 0; i < a.rank; ++i)
    if (i != axis && a.shape[i] != b.shape[i])
      return false;
  return true;
}

// Checks `model` against the step signature. `other` is the step checked
// before (or null), whose vocabulary and KV cache layout this one must
// share; its cache may hold more slots.
bool checkStep(const born_model *model, Step &step, const Step *other,
               std::string &error) {
  std::string name = model->name ? model->name : "?";
  auto fail = [&](const std::string &what) {
    error = "model '" + name + "': " + what;
    return false;
  };
  auto named = [](const born_tensor_info &info, const char *n) {
    return info.name && std::strcmp(info.name, n) == 0;
  };
  if (model->num_inputs < 3 || model->num_outputs < 2 ||
      !named(model->inputs[0], "tokens") || !named(model->inputs[1], "pos"))
    return fail("expected inputs tokens, pos, [last], then the KV cache, "
                "and outputs logits, then the KV cache");
  step.firstCache = named(model->inputs[2], "last") ? 3 : 2;
  int32_t caches = model->num_inputs - step.firstCache;
  const born_tensor_info &tokens = model->inputs[0];
  const born_tensor_info &logits = model->outputs[0];
  if (tokens.dtype != BORN_DTYPE_I64 || tokens.rank != 1)
    return fail("input 'tokens' must be i64[T]");
  if (logits.dtype != BORN_DTYPE_F32 || elements(logits) < 1)
    return fail("output 'logits' must be f32[1, vocab]");
  if (caches < 1 || model->num_outputs != 1 + caches)
    return fail("each KV cache input needs an output of this call's entries");
  step.slotAxis.clear();
  for (int32_t i = 0; i < caches; ++i) {
    const born_tensor_info &in = model->inputs[step.firstCache + i];
    const born_tensor_info &out = model->outputs[1 + i];
    // The slot axis is where the cache holds the context and the output T
    // entries; when the two are equal any axis will do.
    int32_t axis = -1, differing = 0;
    if (in.dtype == BORN_DTYPE_F32 && out.dtype == BORN_DTYPE_F32 &&
        in.rank == out.rank)
      for (int32_t a = 0; a < in.rank; ++a)
        if (in.shape[a] != out.shape[a]) {
          axis = a;
          ++differing;
        }
    bool entries = sameShape(in, out) ||
                   (differing == 1 && out.shape[axis] == tokens.shape[0]);
    if (in.dtype != BORN_DTYPE_F32 || !entries)
      return fail("KV cache input " + std::to_string(i) + " ('" +
                  (in.name ? in.name : "?") +
                  "') and output " + std::to_string(1 + i) +
                  " must be f32 tensors of one shape but for T entries along "
                  "one axis");
    axis = std::max(axis, 0);
    step.slotAxis.push_back(axis);
    if (other &&
        (other->model->num_inputs - other->firstCache != caches ||
         !sameShapeBut(in, other->model->inputs[other->firstCache + i], axis) ||
         in.shape[axis] > other->model->inputs[other->firstCache + i].shape[axis]))
      return fail("its KV cache differs from the other step's");
  }
  if (other && elements(logits) != elements(other->model->outputs[0]))
    return fail("its vocabulary differs from the other step's");
  step.model = model;
  step.tokens = tokens.shape[0];
  step.context = model->inputs[step.firstCache].shape[step.slotAxis[0]];
  return true;
}

class Generator {
public:
  // `decodes` in increasing context, the last one the prefill's. With
  // `decodeShortChunks` (the CPU), a prompt chunk shorter than half the
  // prefill's tokens runs as decode steps, one token each: there a decode
  // costs about what a prefill row does (both read every weight block once
  // per row; SmolLM2 Q8_0, 1 thread: pp512 118 tokens/s, tg128 102), so a
  // padded chunk pays for its padding. On a GPU a decode step moves the
  // cache, and the padded chunk is the cheaper.
  Generator(Step &prefill, std::vector<Step *> decodes, bool decodeShortChunks)
      : prefill_(prefill),
        decodes_(std::move(decodes)),
        decodeShortChunks_(decodeShortChunks),
        logits_(size_t(elements(prefill.model->outputs[0]))) {
    for (Step *step : steps()) {
      if (!cacheOf(*step)) {
        Cache cache{step, {}};
        for (int32_t i = step->firstCache; i < step->model->num_inputs; ++i)
          cache.tensors.emplace_back(size_t(elements(step->model->inputs[i])));
        caches_.push_back(std::move(cache));
      }
      fresh_.emplace_back();
      for (int32_t i = 1; i < step->model->num_outputs; ++i)
        fresh_.back().emplace_back(size_t(elements(step->model->outputs[i])));
    }
  }

  // Runs `step` on tokens[begin, begin + count) at positions begin...
  bool run(Step &step, const std::vector<int32_t> &tokens, size_t begin,
           size_t count, std::string &error) {
    std::vector<int64_t> ids(size_t(step.tokens), 0);
    for (size_t i = 0; i < count; ++i)
      ids[i] = tokens[begin + i];
    int64_t pos = int64_t(begin), last = int64_t(count) - 1;
    std::vector<const void *> inputs = {ids.data(), &pos};
    if (step.firstCache == 3)
      inputs.push_back(&last);
    std::vector<void *> outputs = {logits_.data()};
    for (std::vector<float> &tensor : cacheOf(step)->tensors)
      inputs.push_back(tensor.data());
    std::vector<Step *> all = steps();
    std::vector<std::vector<float>> &fresh =
        fresh_[size_t(std::find(all.begin(), all.end(), &step) - all.begin())];
    for (std::vector<float> &entries : fresh)
      outputs.push_back(entries.data());
    char message[512] = "";
    if (born_session_run(step.session, inputs.data(), outputs.data(), message,
                         sizeof message)) {
      error = message;
      return false;
    }
    for (Cache &cache : caches_)
      for (size_t i = 0; i < fresh.size(); ++i)
        store(cache, step, int32_t(i), fresh[i], begin, count);
    return true;
  }

  // Feeds prompt[from, end) in chunks of the prefill's size, the cache
  // holding prompt[0, from) already; a chunk of one token (a prompt that is
  // just BOS) goes through decode, which is cheaper.
  bool prefill(const std::vector<int32_t> &prompt, std::string &error,
               size_t from = 0) {
    for (size_t begin = from; begin < prompt.size(); begin += prefill_.tokens) {
      size_t count = std::min(prompt.size() - begin, size_t(prefill_.tokens));
      bool oneByOne =
          count == 1 ||
          (decodeShortChunks_ && 2 * count < size_t(prefill_.tokens));
      if (!oneByOne) {
        if (!run(prefill_, prompt, begin, count, error))
          return false;
        continue;
      }
      if (!decodeEach(prompt, begin, begin + count, error))
        return false;
    }
    return true;
  }

  bool decode(const std::vector<int32_t> &tokens, std::string &error) {
    size_t pos = tokens.size() - 1;
    return run(decodeAt(pos), tokens, pos, 1, error);
  }

  // Decodes tokens[begin, end) one at a time.
  bool decodeEach(const std::vector<int32_t> &tokens, size_t begin, size_t end,
                  std::string &error) {
    for (size_t i = begin; i < end; ++i)
      if (!run(decodeAt(i), tokens, i, 1, error))
        return false;
    return true;
  }

  const std::vector<float> &logits() const { return logits_; }

private:
  // A KV cache of one context: its tensors, shaped as `layout`'s inputs.
  struct Cache {
    const Step *layout;
    std::vector<std::vector<float>> tensors;
  };

  std::vector<Step *> steps() {
    std::vector<Step *> all = {&prefill_};
    all.insert(all.end(), decodes_.begin(), decodes_.end());
    return all;
  }

  Cache *cacheOf(const Step &step) {
    for (Cache &cache : caches_)
      if (cache.layout->context == step.context)
        return &cache;
    return nullptr;
  }

  // The decode step with the smallest context that has slot `pos`.
  Step &decodeAt(size_t pos) {
    for (Step *step : decodes_)
      if (size_t(step->context) > pos)
        return *step;
    return *decodes_.back();
  }

  // Writes entries [0, count) of `step`'s output for cache tensor i into
  // slots begin..begin+count-1 of `cache`, those it has.
  void store(Cache &cache, const Step &step, int32_t i,
             const std::vector<float> &entries, size_t begin, size_t count) {
    const Step &layout = *cache.layout;
    const born_tensor_info &info = layout.model->inputs[layout.firstCache + i];
    int32_t axis = layout.slotAxis[size_t(i)];
    size_t outer = 1, inner = 1;
    for (int32_t a = 0; a < axis; ++a)
      outer *= size_t(info.shape[a]);
    for (int32_t a = axis + 1; a < info.rank; ++a)
      inner *= size_t(info.shape[a]);
    size_t slots = size_t(info.shape[axis]), tokens = size_t(step.tokens);
    count = std::min(count, slots - std::min(begin, slots));
    float *data = cache.tensors[size_t(i)].data();
    size_t run = count * inner;
    for (size_t o = 0; o < outer; ++o) {
      float *to = data + (o * slots + begin) * inner;
      const float *from = entries.data() + o * tokens * inner;
      // A decode step's keys, laid out slot-innermost, are one float per
      // (head, feature): thousands of 4-byte copies a step, which a call
      // to memcpy each would dominate.
      if (run == 1)
        *to = *from;
      else
        std::memcpy(to, from, run * sizeof(float));
    }
  }

  Step &prefill_;
  std::vector<Step *> decodes_;
  bool decodeShortChunks_;
  std::vector<float> logits_;
  std::vector<Cache> caches_;                          // one per context
  std::vector<std::vector<std::vector<float>>> fresh_; // [step][cache tensor]
};

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

// llama-bench's two tests: a 512-token prompt through prefill (pp512) and
// 128 tokens generated one at a time from an empty context (tg128), each
// after a warm-up run, as the mean tokens/s of 3 runs. Token ids are
// arbitrary (the cost does not depend on them); shorter contexts shorten
// the prompt.
int bench(Generator &generator, int64_t context, int64_t vocab,
          int32_t threads) {
  const size_t promptTokens = size_t(std::min<int64_t>(512, context));
  const size_t generated = size_t(std::min<int64_t>(128, context));
  std::vector<int32_t> tokens(std::max(promptTokens, generated));
  for (size_t i = 0; i < tokens.size(); ++i)
    tokens[i] = int32_t((i * 7919 + 1) % size_t(vocab));
  std::vector<int32_t> prompt(tokens.begin(), tokens.begin() + promptTokens);
  std::string error;
  auto measure = [&](const char *name, size_t count, auto &&step) {
    if (!step(error))
      return false;
    double total = 0;
    const int runs = 3;
    for (int r = 0; r < runs; ++r) {
      auto start = std::chrono::steady_clock::now();
      if (!step(error))
        return false;
      total += seconds(start);
    }
    std::printf("| %s%zu | %d threads | %10.2f tokens/s |\n", name, count,
                threads, count * runs / total);
    std::fflush(stdout);
    return true;
  };
  if (!measure("pp", promptTokens,
               [&](std::string &e) { return generator.prefill(prompt, e); }) ||
      !measure("tg", generated, [&](std::string &e) {
        return generator.decodeEach(tokens, 0, generated, e);
      })) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

// --ids-out and --logits-out: the sampled ids and the logits each was
// sampled from.
bool writeOutputs(const Options &options, const std::vector<int32_t> &ids,
                  const std::vector<float> &logits, int64_t vocab,
                  std::string &error) {
  if (!options.idsOut.empty()) {
    FILE *f = std::fopen(options.idsOut.c_str(), "w");
    if (!f) {
      error = "cannot write " + options.idsOut + ": " + std::strerror(errno);
      return false;
    }
    for (int32_t id : ids)
      std::fprintf(f, "%d\n", id);
    std::fclose(f);
  }
  if (!options.logitsOut.empty()) {
    born_host_tensor t{};
    t.dtype = BORN_DTYPE_F32;
    t.rank = 2;
    t.shape[0] = int64_t(logits.size()) / vocab;
    t.shape[1] = vocab;
    t.data = const_cast<float *>(logits.data());
    t.nbytes = logits.size() * sizeof(float);
    char message[512] = "";
    if (born_npy_save(options.logitsOut.c_str(), &t, message, sizeof message)) {
      error = message;
      return false;
    }
  }
  return true;
}

// The chat format: --chat-template, else the one the model's template
// matches, else ChatML (with a warning, as llama.cpp falls back to it).
ChatFormat chooseChatFormat(const Options &options,
                            const std::string &modelTemplate) {
  if (!options.chatTemplate.empty())
    return chatFormatByName(options.chatTemplate);
  if (modelTemplate.empty()) {
    std::fprintf(stderr, "warning: the model has no chat template "
                         "(tokenizer.chat_template); using chatml\n");
    return ChatFormat::ChatML;
  }
  ChatFormat format = detectChatFormat(modelTemplate);
  if (format == ChatFormat::Unknown) {
    std::fprintf(stderr, "warning: the model's chat template is not one of "
                         "the built-in formats; using chatml "
                         "(--chat-template NAME picks another)\n");
    return ChatFormat::ChatML;
  }
  return format;
}

// llama-cli -cnv: user turns are lines of stdin, after a "> " prompt on
// stderr; each reply streams to stdout, then a newline. Every turn formats
// the whole conversation and feeds only the tokens after the longest prefix
// the KV cache already holds: the reply's tokens are in the cache, but the
// formatted text of the reply may tokenize differently and is followed by
// the format's end-of-turn text.
int chat(Generator &generator, const Tokenizer &tokenizer,
         const Options &options, ChatFormat format, int64_t context) {
  std::fprintf(stderr, "chat: format %s, context %lld; end with EOF "
                       "(Ctrl-D)\n",
               chatFormatName(format), static_cast<long long>(context));
  std::vector<ChatMessage> messages;
  const std::string &system =
      options.systemGiven ? options.systemPrompt : options.prompt;
  if (!system.empty())
    messages.push_back({"system", system});
  Sampler sampler(options.sampling);
  std::vector<int32_t> cached; // the tokens the KV cache holds, in order
  const int64_t limit = options.tokens < 0 ? context : options.tokens;
  std::string line, error;
  size_t turns = 0, fed = 0, formatted = 0; // for the closing summary
  std::vector<int32_t> sampled;              // every turn's, for --ids-out
  std::vector<float> allLogits;              // and for --logits-out
  while (true) {
    std::fputs("> ", stderr);
    std::fflush(stderr);
    if (!std::getline(std::cin, line))
      break;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty())
      continue;
    messages.push_back({"user", line});
    std::vector<int32_t> tokens =
        tokenizer.encode(formatChat(format, messages, /*addAssistant=*/true),
                         /*addSpecial=*/true, /*parseSpecial=*/true);
    if (tokens.empty() || int64_t(tokens.size()) >= context) {
      std::fprintf(stderr, "error: the conversation has %zu tokens; the "
                           "context holds %lld\n",
                   tokens.size(), static_cast<long long>(context));
      return 1;
    }
    // At least the last token is fed again: its logits pick the first
    // token of the reply.
    size_t same = 0;
    while (same + 1 < tokens.size() && same < cached.size() &&
           cached[same] == tokens[same])
      ++same;
    for (size_t i = same; i < tokens.size(); ++i)
      sampler.accept(tokens[i]);
    if (!generator.prefill(tokens, error, same)) {
      std::fprintf(stderr, "error: %s\n", error.c_str());
      return 1;
    }
    cached = tokens;
    ++turns;
    fed += tokens.size() - same;
    formatted += tokens.size();

    std::string reply;
    for (int64_t n = 0; n < limit; ++n) {
      const std::vector<float> &logits = generator.logits();
      if (!options.logitsOut.empty())
        allLogits.insert(allLogits.end(), logits.begin(), logits.end());
      int32_t next = sampler.sample(logits.data(), logits.size());
      sampler.accept(next);
      sampled.push_back(next);
      if (tokenizer.isEndOfGeneration(next) && !options.ignoreEos)
        break;
      std::string piece = tokenizer.tokenToPiece(next);
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      std::fflush(stdout);
      reply += piece;
      if (n + 1 >= limit)
        break;
      if (int64_t(cached.size()) >= context) {
        std::fprintf(stderr, "\n[context full: %lld tokens]\n",
                     static_cast<long long>(context));
        break;
      }
      cached.push_back(next);
      if (!generator.decode(cached, error)) {
        std::fprintf(stderr, "error: %s\n", error.c_str());
        return 1;
      }
    }
    std::printf("\n");
    std::fflush(stdout);
    messages.push_back({"assistant", reply});
  }
  std::fprintf(stderr,
               "\nchat: %zu turns; prompts of %zu tokens in all, %zu of them "
               "fed (the rest were in the KV cache)\n",
               turns, formatted, fed);
  if (!writeOutputs(options, sampled, allLogits,
                    int64_t(generator.logits().size()), error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

/// Points `to` at the weights `from` reads: its blob or file, the tail the
/// file lacks, and the header the file must have.
void lendWeights(const born_model &from, born_model &to) {
  to.weights = from.weights;
  to.weights_path = from.weights_path;
  to.weights_tail = from.weights_tail;
  to.weights_tail_size = from.weights_tail_size;
  to.weights_header_size = from.weights_header_size;
  to.weights_header_hash = from.weights_header_hash;
}

int run(const born_model *prefillModel, const born_model *const *decodeModels,
        int32_t numDecodes, const uint8_t *vocabBytes, uint64_t vocabSize,
        int argc, char **argv) {
  auto fail = [](const std::string &message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return 1;
  };
  std::string error;
  Step prefill;
  if (numDecodes < 1)
    return fail("no decode step");
  std::vector<Step> decodes(static_cast<size_t>(numDecodes));
  if (!checkStep(prefillModel, prefill, nullptr, error))
    return fail(error);
  for (int32_t i = 0; i < numDecodes; ++i) {
    if (!checkStep(decodeModels[i], decodes[size_t(i)], &prefill, error))
      return fail(error);
    if (i > 0 && decodes[size_t(i)].context <= decodes[size_t(i) - 1].context)
      return fail("decode steps must come in increasing context");
  }
  if (decodes.back().context != prefill.context)
    return fail("the last decode step's context differs from the prefill's");
  const int64_t vocab = elements(prefill.model->outputs[0]);
  const int64_t maxContext = prefill.context;

  Options options;
  if (!parseOptions(argc, argv, options, error))
    return fail(error);
  if (options.help) {
    printUsage(argv[0], maxContext, prefillModel->weights_path);
    return 0;
  }
  int64_t context = options.context ? options.context : maxContext;
  if (context > maxContext)
    return fail("-c " + std::to_string(context) + " exceeds the context " +
                std::to_string(maxContext) +
                " this executable was compiled for (bornc --ctx-size)");
  if (!options.chatTemplate.empty() &&
      chatFormatByName(options.chatTemplate) == ChatFormat::Unknown) {
    std::string known;
    for (const std::string &name : chatFormatNames())
      known += (known.empty() ? "" : ", ") + name;
    return fail("--chat-template: unknown chat format '" +
                options.chatTemplate + "'; known formats: " + known);
  }
  if (!options.seedGiven)
    options.sampling.seed = std::random_device()();

  VocabDescription description;
  if (!deserializeVocab(vocabBytes, size_t(vocabSize), description, &error))
    return fail(error);
  std::unique_ptr<Tokenizer> tokenizer = Tokenizer::create(description, &error);
  if (!tokenizer)
    return fail("tokenizer: " + error);
  if (int64_t(tokenizer->size()) != vocab)
    return fail("the vocabulary has " + std::to_string(tokenizer->size()) +
                " tokens but the model's logits " + std::to_string(vocab));

  // The compiler records the weights once, in the prefill model, when the
  // steps' blobs are the same: decode models then have none of their own.
  std::vector<born_model> sharing(decodes.size());
  for (size_t i = 0; i < decodes.size(); ++i) {
    const born_model *model = decodes[i].model;
    if (model->weights || !model->weights_path || *model->weights_path)
      continue;
    if (model->weights_size != prefillModel->weights_size ||
        (!prefillModel->weights && !prefillModel->weights_path))
      return fail("decode model '" + std::string(model->name) +
                  "' borrows the prefill model's weights, which do not fit");
    sharing[i] = *model;
    lendWeights(*prefillModel, sharing[i]);
    decodes[i].model = &sharing[i];
  }
  if (!options.modelPath.empty() && !prefillModel->weights_path)
    return fail("-m: this executable embeds its weights (bornc "
                "--embed-weights); it reads no model file");

  born_options sessionOptions;
  born_options_init(&sessionOptions);
  sessionOptions.device = options.device;
  sessionOptions.threads = options.threads;
  if (!options.modelPath.empty())
    sessionOptions.weights_path = options.modelPath.c_str();
  // Each session holds its own copy of the weights on a GPU: there, only the
  // full-context decode step runs.
  bool gpu = options.device == BORN_DEVICE_VULKAN ||
             (options.device == BORN_DEVICE_DEFAULT && !prefill.model->cpu_entry);
  std::vector<Step *> used;
  for (Step &step : decodes)
    if (!gpu || &step == &decodes.back())
      used.push_back(&step);
  std::vector<Step *> steps = used;
  steps.insert(steps.begin(), &prefill);
  for (Step *step : steps) {
    char message[512] = "";
    step->session = born_session_create(step->model, &sessionOptions, message,
                                        sizeof message);
    if (!step->session)
      return fail(message);
  }

  if (options.bench) {
    Generator generator(prefill, used, !gpu);
    return bench(generator, context, vocab,
                 options.threads ? options.threads
                                 : int32_t(std::thread::hardware_concurrency()));
  }

  if (options.chat) {
    Generator generator(prefill, used, !gpu);
    return chat(generator, *tokenizer, options,
                chooseChatFormat(options, description.chatTemplate), context);
  }

  std::vector<int32_t> tokens =
      tokenizer->encode(options.prompt, /*addSpecial=*/true);
  if (tokens.empty())
    return fail("the prompt is empty and the model adds no BOS token: "
                "give a prompt with -p");
  if (int64_t(tokens.size()) >= context)
    return fail("the prompt has " + std::to_string(tokens.size()) +
                " tokens; the context holds " + std::to_string(context));
  std::fprintf(stderr, "prompt: %zu tokens, context %lld, vocabulary %lld\n",
               tokens.size(), static_cast<long long>(context),
               static_cast<long long>(vocab));

  const size_t promptCount = tokens.size();
  Generator generator(prefill, used, !gpu);
  Sampler sampler(options.sampling);
  for (int32_t t : tokens)
    sampler.accept(t);
  auto start = std::chrono::steady_clock::now();
  if (!generator.prefill(tokens, error))
    return fail(error);
  double promptSeconds = seconds(start);

  std::vector<float> allLogits;
  std::vector<int32_t> generated;
  start = std::chrono::steady_clock::now();
  int64_t limit = options.tokens < 0 ? context : options.tokens;
  while (int64_t(generated.size()) < limit) {
    const std::vector<float> &logits = generator.logits();
    if (!options.logitsOut.empty())
      allLogits.insert(allLogits.end(), logits.begin(), logits.end());
    int32_t next = sampler.sample(logits.data(), logits.size());
    sampler.accept(next);
    generated.push_back(next);
    if (tokenizer->isEndOfGeneration(next) && !options.ignoreEos)
      break;
    std::string piece = tokenizer->tokenToPiece(next);
    std::fwrite(piece.data(), 1, piece.size(), stdout);
    std::fflush(stdout);
    tokens.push_back(next);
    if (int64_t(generated.size()) >= limit)
      break;
    if (int64_t(tokens.size()) > context) {
      std::fprintf(stderr, "\n[context full: %lld tokens]\n",
                   static_cast<long long>(context));
      break;
    }
    if (!generator.decode(tokens, error))
      return fail(error);
  }
  double generateSeconds = seconds(start);
  std::printf("\n");
  std::fflush(stdout);
  std::fprintf(stderr,
               "prompt: %zu tokens in %.3f s (%.1f tokens/s); generated %zu "
               "tokens in %.3f s (%.1f tokens/s)\n",
               promptCount, promptSeconds,
               promptCount / std::max(promptSeconds, 1e-9),
               generated.size(), generateSeconds,
               generated.size() / std::max(generateSeconds, 1e-9));

  if (!writeOutputs(options, generated, allLogits, vocab, error))
    return fail(error);
  return 0;
}

} // namespace
} // namespace born::llm

extern "C" int born_llm_main(const born_model *prefill,
                             const born_model *const *decode,
                             int32_t num_decode, const uint8_t *vocab,
                             uint64_t vocabSize, int argc, char **argv) {
  try {
    return born::llm::run(prefill, decode, num_decode, vocab, vocabSize, argc,
                          argv);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
