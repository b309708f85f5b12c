// Choosing the next token from a model's logits, with llama.cpp's samplers
// and their default order: repetition penalty, top-k, top-p, min-p,
// temperature, then a seeded draw (or the most likely token when the
// temperature is 0).
#ifndef BORN_RUNTIME_LLM_SAMPLER_H
#define BORN_RUNTIME_LLM_SAMPLER_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace born::llm {

struct SamplerParams {
  float temperature = 0.8f;   // <= 0: greedy
  int32_t topK = 40;          // <= 0: off
  float topP = 0.95f;         // >= 1: off
  float minP = 0.05f;         // <= 0: off
  float repeatPenalty = 1.0f; // 1: off
  int32_t repeatLastN = 64;   // tokens of history the penalty looks at
  uint32_t seed = 0;
};

// One token still in the running: its logit and, after softmax, probability.
struct Candidate {
  int32_t id;
  float logit;
  float p;
};

class Sampler {
public:
  explicit Sampler(const SamplerParams &params);

  // Picks the next token from `logits` (one per vocabulary entry).
  int32_t sample(const float *logits, size_t vocabSize);
  // Records a token of the context (prompt or generated) for the penalty.
  void accept(int32_t token);
  // Forgets the history and restarts the random sequence from the seed.
  void reset();

  // The stages, in the order `sample` applies them. Each keeps at least
  // `minKeep` candidates. Those that cut sort by logit, highest first.
  //
  // Tokens seen in `recent` get their logit divided by `penalty` when it is
  // positive and multiplied when it is negative (once, however often seen).
  static void penalizeRepetition(std::vector<Candidate> &candidates,
                                 const std::deque<int32_t> &recent, float penalty);
  // The k most likely.
  static void keepTopK(std::vector<Candidate> &candidates, int32_t k, size_t minKeep = 1);
  // The smallest most-likely set whose probability reaches p.
  static void keepTopP(std::vector<Candidate> &candidates, float p, size_t minKeep = 1);
  // Those at least p times as likely as the most likely one.
  static void keepMinP(std::vector<Candidate> &candidates, float p, size_t minKeep = 1);
  static void applyTemperature(std::vector<Candidate> &candidates, float temperature);
  // Sorts by logit, highest first, and fills in the probabilities.
  static void softmax(std::vector<Candidate> &candidates);
  // The index of the largest logit (the first of equals).
  static size_t argmax(const float *logits, size_t n);

  // A uniform double in [0, 1) from the seeded generator; the same on every
  // platform (std::uniform_real_distribution is not).
  double uniform();

private:
  SamplerParams params_;
  std::mt19937 rng_;
  std::deque<int32_t> recent_;
  std::vector<Candidate> candidates_;
};

} // namespace born::llm

#endif // BORN_RUNTIME_LLM_SAMPLER_H
