// The samplers on small logit vectors, against distributions computed here.
#include "llm/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

using namespace born::llm;

namespace {

std::vector<Candidate> candidates(const std::vector<float> &logits) {
  std::vector<Candidate> out;
  for (size_t i = 0; i < logits.size(); ++i)
    out.push_back({int32_t(i), logits[i], 0.0f});
  return out;
}

std::set<int32_t> ids(const std::vector<Candidate> &cs) {
  std::set<int32_t> out;
  for (const Candidate &c : cs)
    out.insert(c.id);
  return out;
}

std::vector<double> softmax(const std::vector<float> &logits, double temperature = 1) {
  double top = *std::max_element(logits.begin(), logits.end()), sum = 0;
  std::vector<double> p;
  for (float l : logits)
    sum += std::exp((l - top) / temperature);
  for (float l : logits)
    p.push_back(std::exp((l - top) / temperature) / sum);
  return p;
}

SamplerParams plain(float temperature) {
  SamplerParams params;
  params.temperature = temperature;
  params.topK = 0;
  params.topP = 1.0f;
  params.minP = 0.0f;
  return params;
}

const std::vector<float> kLogits = {1.0f, 3.0f, -2.0f, 2.5f, 0.0f, 3.0f, -0.5f};

} // namespace

TEST(Sampler, GreedyTakesTheLargestLogitFirstOfEquals) {
  Sampler sampler(plain(0.0f));
  EXPECT_EQ(sampler.sample(kLogits.data(), kLogits.size()), 1);
  EXPECT_EQ(Sampler::argmax(kLogits.data(), kLogits.size()), 1u);
}

TEST(Sampler, TopKOfOneIsGreedy) {
  SamplerParams params = plain(1.5f);
  params.topK = 1;
  params.seed = 7;
  Sampler sampler(params);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(sampler.sample(kLogits.data(), kLogits.size()), 1);
}

TEST(Sampler, TopKKeepsTheKMostLikely) {
  auto cs = candidates(kLogits);
  Sampler::keepTopK(cs, 3);
  EXPECT_EQ(ids(cs), (std::set<int32_t>{1, 3, 5}));
  cs = candidates(kLogits);
  Sampler::keepTopK(cs, 100); // more than there are
  EXPECT_EQ(cs.size(), kLogits.size());
}

TEST(Sampler, TopPKeepsTheSmallestSetReachingP) {
  const std::vector<double> p = softmax(kLogits);
  // Sorted: ids 1 and 5 (3.0), 3 (2.5), 0 (1.0), ...
  const double two = p[1] + p[5], three = two + p[3];
  auto cs = candidates(kLogits);
  Sampler::keepTopP(cs, float(two - 1e-4));
  EXPECT_EQ(ids(cs), (std::set<int32_t>{1, 5}));
  cs = candidates(kLogits);
  Sampler::keepTopP(cs, float(two + 1e-4));
  EXPECT_EQ(ids(cs), (std::set<int32_t>{1, 3, 5}));
  cs = candidates(kLogits);
  Sampler::keepTopP(cs, float(three + 1e-4));
  EXPECT_EQ(cs.size(), 4u);
  for (const Candidate &c : cs)
    EXPECT_NEAR(c.p, p[c.id], 1e-6);
}

TEST(Sampler, MinPKeepsThoseAtLeastPTimesTheMostLikely) {
  const std::vector<double> p = softmax(kLogits);
  const double top = p[1];
  for (float minP : {0.05f, 0.2f, 0.5f, 0.7f}) {
    auto cs = candidates(kLogits);
    Sampler::keepMinP(cs, minP);
    std::set<int32_t> expected;
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] >= minP * top)
        expected.insert(int32_t(i));
    EXPECT_EQ(ids(cs), expected) << "min-p " << minP;
  }
}

TEST(Sampler, RepetitionPenaltyDividesPositiveAndMultipliesNegative) {
  auto cs = candidates(kLogits);
  Sampler::penalizeRepetition(cs, {1, 2, 2, 4}, 2.0f);
  EXPECT_FLOAT_EQ(cs[1].logit, 1.5f);  // 3 / 2
  EXPECT_FLOAT_EQ(cs[2].logit, -4.0f); // -2 * 2, once although seen twice
  EXPECT_FLOAT_EQ(cs[4].logit, 0.0f);  // 0 * 2
  EXPECT_FLOAT_EQ(cs[5].logit, 3.0f);  // not seen
}

TEST(Sampler, RepetitionPenaltyLooksAtTheLastNTokens) {
  SamplerParams params = plain(0.0f);
  params.repeatPenalty = 4.0f;
  params.repeatLastN = 2;
  Sampler sampler(params);
  const std::vector<float> logits = {2.0f, 1.9f, 1.0f};
  sampler.accept(0); // pushed out of the window below
  sampler.accept(2);
  sampler.accept(2);
  EXPECT_EQ(sampler.sample(logits.data(), logits.size()), 0);
  sampler.accept(0);
  EXPECT_EQ(sampler.sample(logits.data(), logits.size()), 1); // 2.0 / 4 < 1.9
}

TEST(Sampler, SameSeedSameTokens) {
  SamplerParams params; // llama.cpp's defaults: top-k 40, top-p 0.95, min-p 0.05, temp 0.8
  params.seed = 1234;
  std::vector<float> logits(100);
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = float(std::sin(double(i))) * 3.0f;
  auto run = [&](uint32_t seed) {
    SamplerParams p = params;
    p.seed = seed;
    Sampler sampler(p);
    std::vector<int32_t> out;
    for (int i = 0; i < 200; ++i)
      out.push_back(sampler.sample(logits.data(), logits.size()));
    return out;
  };
  const auto a = run(1234);
  EXPECT_EQ(a, run(1234));
  EXPECT_NE(a, run(4321));
  // reset() restarts the sequence.
  Sampler sampler(params);
  const int32_t first = sampler.sample(logits.data(), logits.size());
  sampler.reset();
  EXPECT_EQ(sampler.sample(logits.data(), logits.size()), first);
  EXPECT_EQ(first, a[0]);
}

TEST(Sampler, UniformIsInUnitInterval) {
  Sampler sampler(plain(1.0f));
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = sampler.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

// Frequencies of temperature sampling against softmax(logits / T): Pearson's
// chi-square with 6 degrees of freedom stays below 22.46 (p = 0.001).
TEST(Sampler, TemperatureSamplingFollowsSoftmax) {
  for (float temperature : {0.7f, 1.0f, 1.8f}) {
    SamplerParams params = plain(temperature);
    params.seed = 42;
    Sampler sampler(params);
    const int draws = 60000;
    std::vector<int> counts(kLogits.size());
    for (int i = 0; i < draws; ++i)
      ++counts[sampler.sample(kLogits.data(), kLogits.size())];
    const std::vector<double> p = softmax(kLogits, temperature);
    double chi2 = 0;
    for (size_t i = 0; i < p.size(); ++i) {
      const double expected = p[i] * draws;
      chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    }
    EXPECT_LT(chi2, 22.46) << "temperature " << temperature;
  }
}

// With top-k, the draw follows softmax over the kept tokens only.
TEST(Sampler, TopKThenTemperatureRenormalizes) {
  SamplerParams params = plain(1.0f);
  params.topK = 3;
  params.seed = 9;
  Sampler sampler(params);
  std::map<int32_t, int> counts;
  const int draws = 30000;
  for (int i = 0; i < draws; ++i)
    ++counts[sampler.sample(kLogits.data(), kLogits.size())];
  EXPECT_EQ(counts.size(), 3u);
  const std::vector<double> p = softmax({3.0f, 3.0f, 2.5f});
  double chi2 = 0;
  const int32_t order[] = {1, 5, 3};
  for (int i = 0; i < 3; ++i) {
    const double expected = p[i] * draws;
    chi2 += (counts[order[i]] - expected) * (counts[order[i]] - expected) / expected;
  }
  EXPECT_LT(chi2, 13.82); // 2 degrees of freedom, p = 0.001
}
