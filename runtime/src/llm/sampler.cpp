#include "llm/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace born::llm {

namespace {
// Highest logit first; equal logits by id, so every ordering is deterministic.
bool higherLogit(const Candidate &a, const Candidate &b) {
  return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
}

bool sortedByLogit(const std::vector<Candidate> &candidates) {
  return std::is_sorted(candidates.begin(), candidates.end(), higherLogit);
}
} // namespace

Sampler::Sampler(const SamplerParams &params) : params_(params), rng_(params.seed) {}

void Sampler::reset() {
  recent_.clear();
  rng_.seed(params_.seed);
}

void Sampler::accept(int32_t token) {
  if (params_.repeatLastN <= 0)
    return;
  recent_.push_back(token);
  while (recent_.size() > size_t(params_.repeatLastN))
    recent_.pop_front();
}

double Sampler::uniform() {
  // 53 random bits, as a double in [0, 1).
  const uint64_t hi = rng_() >> 5; // 27 bits
  const uint64_t lo = rng_() >> 6; // 26 bits
  return double((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

size_t Sampler::argmax(const float *logits, size_t n) {
  return size_t(std::max_element(logits, logits + n) - logits);
}

void Sampler::penalizeRepetition(std::vector<Candidate> &candidates,
                                 const std::deque<int32_t> &recent, float penalty) {
  if (penalty == 1.0f || recent.empty())
    return;
  const std::unordered_set<int32_t> seen(recent.begin(), recent.end());
  for (Candidate &c : candidates)
    if (seen.count(c.id))
      c.logit = c.logit <= 0 ? c.logit * penalty : c.logit / penalty;
}

void Sampler::softmax(std::vector<Candidate> &candidates) {
  if (candidates.empty())
    return;
  if (!sortedByLogit(candidates))
    std::sort(candidates.begin(), candidates.end(), higherLogit);
  const float top = candidates[0].logit;
  double sum = 0;
  for (Candidate &c : candidates) {
    c.p = std::exp(c.logit - top);
    sum += c.p;
  }
  for (Candidate &c : candidates)
    c.p = float(c.p / sum);
}

void Sampler::keepTopK(std::vector<Candidate> &candidates, int32_t k, size_t minKeep) {
  if (k <= 0)
    return;
  const size_t keep = std::min(candidates.size(), std::max(size_t(k), minKeep));
  if (!sortedByLogit(candidates))
    std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                      higherLogit);
  candidates.resize(keep);
}

void Sampler::keepTopP(std::vector<Candidate> &candidates, float p, size_t minKeep) {
  if (p >= 1.0f || candidates.empty())
    return;
  softmax(candidates);
  double cumulative = 0;
  size_t keep = candidates.size();
  for (size_t i = 0; i < candidates.size(); ++i) {
    cumulative += candidates[i].p;
    if (cumulative >= p && i + 1 >= minKeep) {
      keep = i + 1;
      break;
    }
  }
  candidates.resize(keep);
}

void Sampler::keepMinP(std::vector<Candidate> &candidates, float p, size_t minKeep) {
  if (p <= 0.0f || candidates.empty())
    return;
  if (!sortedByLogit(candidates))
    std::sort(candidates.begin(), candidates.end(), higherLogit);
  // p(i) >= p * p(max)  <=>  logit(i) >= logit(max) + log(p)
  const float threshold = candidates[0].logit + std::log(p);
  size_t keep = 1;
  while (keep < candidates.size() && candidates[keep].logit >= threshold)
    ++keep;
  candidates.resize(std::min(candidates.size(), std::max(keep, minKeep)));
}

void Sampler::applyTemperature(std::vector<Candidate> &candidates, float temperature) {
  for (Candidate &c : candidates)
    c.logit /= temperature;
}

int32_t Sampler::sample(const float *logits, size_t vocabSize) {
  candidates_.resize(vocabSize);
  for (size_t i = 0; i < vocabSize; ++i)
    candidates_[i] = {int32_t(i), logits[i], 0.0f};
  penalizeRepetition(candidates_, recent_, params_.repeatPenalty);

  if (params_.temperature <= 0.0f) {
    size_t best = 0;
    for (size_t i = 1; i < candidates_.size(); ++i)
      if (candidates_[i].logit > candidates_[best].logit)
        best = i;
    return candidates_[best].id;
  }

  keepTopK(candidates_, params_.topK);
  keepTopP(candidates_, params_.topP);
  keepMinP(candidates_, params_.minP);
  applyTemperature(candidates_, params_.temperature);
  softmax(candidates_);

  const double u = uniform();
  double cumulative = 0;
  for (const Candidate &c : candidates_) {
    cumulative += c.p;
    if (u < cumulative)
      return c.id;
  }
  return candidates_.back().id; // rounding left u at the very top
}

} // namespace born::llm
