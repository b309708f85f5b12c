//===- Quants.cpp - ggml block formats: reference (de)quantizers ----------===//
//
// Block layouts: docs/gguf.md. Every multi-byte field is little-endian and
// read byte by byte, so blocks need no alignment.
//
// Dequantizers evaluate each value with the same float operations, in the
// same order, as ggml's reference dequantizers (e.g. Q4_K: (d * sc) * q -
// dmin * m), so they agree bit for bit. Contraction into FMAs would change
// the rounding, hence the pragma.
//
// Quantizers differ from ggml's reference quantizers (same layout, close but
// not identical blocks):
//  - Q4_0..Q8_0: levels are rounded against the f16-rounded scale that is
//    stored (ggml uses the unrounded one), ties to even.
//  - K-quants: each sub-block's scale (and min) minimizes the plain squared
//    error over 21 candidate scales, each refit by least squares; ggml weights
//    the error by |x|-based importance and searches its own grid. The
//    sub-block scales are then quantized against the super-block scale and
//    the levels rounded against the quantized scales, as ggml does.
//  - Q8_K: d = max|x| / 127 (ggml stores the sign of the largest value in d).
//
//===----------------------------------------------------------------------===//

#include "compiler/GGUF/Quants.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#pragma clang fp contract(off)

using namespace llvm;

namespace born {

//===----------------------------------------------------------------------===//
// Scalar conversions
//===----------------------------------------------------------------------===//

static uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

static float bitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

float halfToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0) // zero or subnormal: mantissa * 2^-24, exact in float
    return bitsToFloat(sign | floatBits(std::ldexp(float(mantissa), -24)));
  if (exponent == 31) // infinity or NaN (payload kept)
    return bitsToFloat(sign | 0x7f800000 | mantissa << 13);
  return bitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
}

uint16_t floatToHalf(float value) {
  uint32_t x = floatBits(value);
  uint16_t sign = (x >> 16) & 0x8000;
  uint32_t magnitude = x & 0x7fffffff;
  if (magnitude > 0x7f800000) // NaN: a quiet NaN
    return sign | 0x7e00;
  if (magnitude >= 0x477ff000) // >= 65520 rounds to infinity
    return sign | 0x7c00;
  if (magnitude < 0x38800000) { // below 2^-14: subnormal (or zero)
    // Scaling by 2^24 is exact; rounding to an integer in the default mode
    // is round-to-nearest-even. 1024 is the smallest normal, encoded right.
    float scaled = std::ldexp(bitsToFloat(magnitude), 24);
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  uint32_t mantissa = magnitude & 0x7fffff;
  uint16_t half = ((magnitude >> 23) - 112) << 10 | mantissa >> 13;
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // a carry into the exponent is still the right encoding
  return sign | half;
}

float bf16ToFloat(uint16_t bits) {
  return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t floatToBF16(float value) {
  uint32_t x = floatBits(value);
  if ((x & 0x7fffffff) > 0x7f800000)
    return (x >> 16) | 0x40;
  return (x + 0x7fff + ((x >> 16) & 1)) >> 16;
}

//===----------------------------------------------------------------------===//
// Sizes
//===----------------------------------------------------------------------===//

static Expected<GGMLTypeTraits> traitsOf(GGMLType type) {
  std::optional<GGMLTypeTraits> traits =
      ggmlTypeTraits(static_cast<uint32_t>(type));
  if (!traits)
    return createStringError(inconvertibleErrorCode(),
                             "unsupported ggml type " +
                                 Twine(static_cast<uint32_t>(type)));
  return *traits;
}

Expected<uint64_t> ggmlByteSize(GGMLType type, uint64_t count) {
  Expected<GGMLTypeTraits> traits = traitsOf(type);
  if (!traits)
    return traits.takeError();
  if (count % traits->blockSize)
    return createStringError(inconvertibleErrorCode(),
                             Twine(count) +
                                 " elements are not a whole number "
                                 "of " +
                                 traits->name + " blocks of " +
                                 Twine(traits->blockSize));
  return count / traits->blockSize * traits->typeSize;
}

//===----------------------------------------------------------------------===//
// Dequantizers, one block each
//===----------------------------------------------------------------------===//

namespace {

uint16_t load16(const uint8_t *p) { return p[0] | p[1] << 8; }

uint32_t load32(const uint8_t *p) {
  return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24;
}

float loadHalf(const uint8_t *p) { return halfToFloat(load16(p)); }

void store16(uint8_t *p, uint16_t v) {
  p[0] = v & 0xff;
  p[1] = v >> 8;
}

void store32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = (v >> (8 * i)) & 0xff;
}

void dequantQ4_0(const uint8_t *b, float *y) {
  float d = loadHalf(b);
  const uint8_t *qs = b + 2;
  for (int j = 0; j < 16; ++j) {
    y[j] = ((qs[j] & 0xf) - 8) * d;
    y[j + 16] = ((qs[j] >> 4) - 8) * d;
  }
}

void dequantQ4_1(const uint8_t *b, float *y) {
  float d = loadHalf(b), m = loadHalf(b + 2);
  const uint8_t *qs = b + 4;
  for (int j = 0; j < 16; ++j) {
    y[j] = (qs[j] & 0xf) * d + m;
    y[j + 16] = (qs[j] >> 4) * d + m;
  }
}

/// The 5-bit value of element `j` (0..31) of a Q5_0/Q5_1 block: the low
/// nibble from qs, the fifth bit from bit j of qh.
int q5Value(const uint8_t *qs, uint32_t qh, int j) {
  int low = j < 16 ? qs[j] & 0xf : qs[j - 16] >> 4;
  return low | ((qh >> j) & 1) << 4;
}

void dequantQ5_0(const uint8_t *b, float *y) {
  float d = loadHalf(b);
  uint32_t qh = load32(b + 2);
  for (int j = 0; j < 32; ++j)
    y[j] = (q5Value(b + 6, qh, j) - 16) * d;
}

void dequantQ5_1(const uint8_t *b, float *y) {
  float d = loadHalf(b), m = loadHalf(b + 2);
  uint32_t qh = load32(b + 4);
  for (int j = 0; j < 32; ++j)
    y[j] = q5Value(b + 8, qh, j) * d + m;
}

void dequantQ8_0(const uint8_t *b, float *y) {
  float d = loadHalf(b);
  for (int j = 0; j < 32; ++j)
    y[j] = static_cast<int8_t>(b[2 + j]) * d;
}

// K-quants: 256 elements per super-block, in sub-blocks of 16 or 32.

void dequantQ2_K(const uint8_t *b, float *y) {
  const uint8_t *scales = b, *qs = b + 16;
  float d = loadHalf(b + 80), dmin = loadHalf(b + 82);
  for (int e = 0; e < 256; ++e) {
    // Element e = 128 n + 32 j + l sits in bits 2j of qs[32 n + l].
    int n = e / 128, j = (e % 128) / 32, l = e % 32;
    uint8_t sc = scales[e / 16];
    float dl = d * (sc & 0xf), ml = dmin * (sc >> 4);
    y[e] = dl * ((qs[32 * n + l] >> (2 * j)) & 3) - ml;
  }
}

/// The 6-bit scale `i` (0..15) of a Q3_K block, minus 32: low nibbles in
/// bytes 0..7 (scales 0..7 low half, 8..15 high half), the top two bits in
/// bytes 8..11 (byte 8 + i % 4, bits 2 (i / 4)).
int q3Scale(const uint8_t *scales, int i) {
  int low = i < 8 ? scales[i] & 0xf : scales[i - 8] >> 4;
  int high = (scales[8 + i % 4] >> (2 * (i / 4))) & 3;
  return (low | high << 4) - 32;
}

void dequantQ3_K(const uint8_t *b, float *y) {
  const uint8_t *hmask = b, *qs = b + 32, *scales = b + 96;
  float d = loadHalf(b + 108);
  for (int e = 0; e < 256; ++e) {
    // Element e = 128 n + 32 j + l: low two bits in bits 2j of qs[32 n + l],
    // the third in bit 4n + j of hmask[l]; stored without the -4 offset.
    int n = e / 128, j = (e % 128) / 32, l = e % 32;
    float dl = d * q3Scale(scales, e / 16);
    int low = (qs[32 * n + l] >> (2 * j)) & 3;
    int high = (hmask[l] >> (4 * n + j)) & 1;
    y[e] = dl * (low - (high ? 0 : 4));
  }
}

/// Scale and min of sub-block `j` (0..7) of a Q4_K/Q5_K block, 6 bits each
/// in 12 bytes: j < 4 in the low 6 bits of bytes j (scale) and j + 4 (min);
/// j >= 4 in the nibbles of byte j + 4 with the top two bits in the high
/// bits of bytes j - 4 (scale) and j (min).
void kScaleMin(const uint8_t *q, int j, int &scale, int &min) {
  if (j < 4) {
    scale = q[j] & 63;
    min = q[j + 4] & 63;
  } else {
    scale = (q[j + 4] & 0xf) | (q[j - 4] >> 6) << 4;
    min = (q[j + 4] >> 4) | (q[j] >> 6) << 4;
  }
}

void dequantQ4_K(const uint8_t *b, float *y) {
  float d = loadHalf(b), dmin = loadHalf(b + 2);
  const uint8_t *scales = b + 4, *qs = b + 16;
  for (int e = 0; e < 256; ++e) {
    // Element e = 64 c + 32 h + l: nibble h of qs[32 c + l].
    int c = e / 64, h = (e % 64) / 32, l = e % 32;
    int sc, m;
    kScaleMin(scales, e / 32, sc, m);
    float dl = d * sc, ml = dmin * m;
    int q = (qs[32 * c + l] >> (4 * h)) & 0xf;
    y[e] = dl * q - ml;
  }
}

void dequantQ5_K(const uint8_t *b, float *y) {
  float d = loadHalf(b), dmin = loadHalf(b + 2);
  const uint8_t *scales = b + 4, *qh = b + 16, *qs = b + 48;
  for (int e = 0; e < 256; ++e) {
    // As Q4_K, plus a fifth bit in bit e / 32 of qh[l].
    int c = e / 64, h = (e % 64) / 32, l = e % 32;
    int sc, m;
    kScaleMin(scales, e / 32, sc, m);
    float dl = d * sc, ml = dmin * m;
    int q =
        ((qs[32 * c + l] >> (4 * h)) & 0xf) + (((qh[l] >> (e / 32)) & 1) << 4);
    y[e] = dl * q - ml;
  }
}

void dequantQ6_K(const uint8_t *b, float *y) {
  const uint8_t *ql = b, *qh = b + 128, *scales = b + 192;
  float d = loadHalf(b + 208);
  for (int e = 0; e < 256; ++e) {
    // Element e = 128 n + 32 k + l: low nibble (k = 0, 1) or high nibble
    // (k = 2, 3) of ql[64 n + 32 (k % 2) + l], top two bits in bits 2k of
    // qh[32 n + l].
    int n = e / 128, k = (e % 128) / 32, l = e % 32;
    int low = (ql[64 * n + 32 * (k % 2) + l] >> (4 * (k / 2))) & 0xf;
    int high = (qh[32 * n + l] >> (2 * k)) & 3;
    float dl = d * static_cast<int8_t>(scales[e / 16]);
    y[e] = dl * ((low | high << 4) - 32);
  }
}

void dequantQ8_K(const uint8_t *b, float *y) {
  float d = bitsToFloat(load32(b));
  for (int e = 0; e < 256; ++e)
    y[e] = d * static_cast<int8_t>(b[4 + e]);
}

//===----------------------------------------------------------------------===//
// Quantizer helpers
//===----------------------------------------------------------------------===//

/// `v` rounded to the nearest integer (ties to even), clamped to [lo, hi];
/// NaN gives lo. Never converts an out-of-range float.
int roundClamp(float v, int lo, int hi) {
  if (!(v >= lo))
    return lo;
  if (v >= hi)
    return hi;
  // Adding and subtracting 1.5 * 2^23 rounds |v| < 2^22 to an integer in the
  // FPU's round-to-nearest-even mode, far faster than a libm call.
  constexpr float kMagic = 12582912.0f;
  return static_cast<int>((v + kMagic) - kMagic);
}

/// The value of largest magnitude, with its sign.
float signedAbsMax(const float *x, int n) {
  float best = 0;
  for (int i = 0; i < n; ++i)
    if (std::fabs(x[i]) > std::fabs(best))
      best = x[i];
  return best;
}

/// x ~ scale * L - offset with levels L in [0, nmax] and offset >= 0 (the
/// K-quant formats store the offset as an unsigned "min").
struct AffineFit {
  float scale = 0;
  float offset = 0;
};

constexpr int kSearchSteps = 10; // candidates on each side of the first guess
constexpr float kSearchStride = 0.1f; // in units of one level

/// The affine fit of x[0..n) with the least squared error: candidate scales
/// around range / nmax give levels, each refit by least squares.
AffineFit fitAffine(const float *x, int n, int nmax) {
  float lo = 0, hi = x[0];
  for (int i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  if (hi <= lo) // constant block (<= 0): the offset alone
    return {0, -lo};
  double sumX = 0, sumXX = 0;
  for (int i = 0; i < n; ++i) {
    sumX += x[i];
    sumXX += double(x[i]) * x[i];
  }
  float range = hi - lo;
  AffineFit best{range / nmax, -lo};
  double bestError = std::numeric_limits<double>::infinity();
  for (int k = -kSearchSteps; k <= kSearchSteps; ++k) {
    float inverse = (nmax + kSearchStride * k) / range;
    double sumL = 0, sumLL = 0, sumXL = 0;
    for (int i = 0; i < n; ++i) {
      int l = roundClamp((x[i] - lo) * inverse, 0, nmax);
      sumL += l;
      sumLL += double(l) * l;
      sumXL += double(x[i]) * l;
    }
    // Least squares for x ~ a L + b, with b <= 0.
    double det = n * sumLL - sumL * sumL;
    if (det <= 0)
      continue;
    double a = (n * sumXL - sumL * sumX) / det;
    double b = (sumLL * sumX - sumL * sumXL) / det;
    if (b > 0) {
      a = sumXL / sumLL;
      b = 0;
    }
    if (a <= 0)
      continue;
    // sum (a L + b - x)^2, expanded.
    double error = a * a * sumLL + 2 * a * b * sumL + n * b * b -
                   2 * a * sumXL - 2 * b * sumX + sumXX;
    if (error < bestError) {
      bestError = error;
      best = {static_cast<float>(a), static_cast<float>(-b)};
    }
  }
  return best;
}

/// The scale s of x[0..n) ~ s L, L in [-nneg, npos], with the least squared
/// error: candidate scales mapping the largest value to either end of the
/// range, each refit by least squares.
float fitSymmetric(const float *x, int n, int nneg, int npos) {
  float amax = signedAbsMax(x, n);
  if (amax == 0)
    return 0;
  double sumXX = 0;
  for (int i = 0; i < n; ++i)
    sumXX += double(x[i]) * x[i];
  float best = amax / -nneg;
  double bestError = std::numeric_limits<double>::infinity();
  for (int end : {-nneg, npos}) {
    for (int k = -kSearchSteps; k <= kSearchSteps; ++k) {
      float inverse = (end + kSearchStride * k) / amax;
      double sumLL = 0, sumXL = 0;
      for (int i = 0; i < n; ++i) {
        int l = roundClamp(x[i] * inverse, -nneg, npos);
        sumLL += double(l) * l;
        sumXL += double(x[i]) * l;
      }
      if (sumLL == 0)
        continue;
      double error = sumXX - sumXL * sumXL / sumLL;
      if (error < bestError) {
        bestError = error;
        best = static_cast<float>(sumXL / sumLL);
      }
    }
  }
  return best;
}

/// A K-quant super-block with affine sub-blocks (Q2_K, Q4_K, Q5_K): the
/// f16 super-block scales, the sub-block scales and mins in [0, scaleMax],
/// and the levels in [0, nmax].
struct AffineSuperBlock {
  uint16_t d = 0, dmin = 0;
  uint8_t scales[16] = {}, mins[16] = {};
  uint8_t levels[256] = {};
};

AffineSuperBlock quantizeAffine(const float *x, int subSize, int nmax,
                                int scaleMax) {
  int numSub = 256 / subSize;
  AffineFit fits[16];
  float maxScale = 0, maxOffset = 0;
  for (int j = 0; j < numSub; ++j) {
    fits[j] = fitAffine(x + j * subSize, subSize, nmax);
    maxScale = std::max(maxScale, fits[j].scale);
    maxOffset = std::max(maxOffset, fits[j].offset);
  }
  AffineSuperBlock out;
  out.d = floatToHalf(maxScale / scaleMax);
  out.dmin = floatToHalf(maxOffset / scaleMax);
  float d = halfToFloat(out.d), dmin = halfToFloat(out.dmin);
  for (int j = 0; j < numSub; ++j) {
    out.scales[j] = d > 0 ? roundClamp(fits[j].scale / d, 0, scaleMax) : 0;
    out.mins[j] = dmin > 0 ? roundClamp(fits[j].offset / dmin, 0, scaleMax) : 0;
    // The levels are rounded against what the dequantizer will compute.
    float dl = d * out.scales[j], ml = dmin * out.mins[j];
    for (int i = j * subSize; i < (j + 1) * subSize; ++i)
      out.levels[i] = dl > 0 ? roundClamp((x[i] + ml) / dl, 0, nmax) : 0;
  }
  return out;
}

/// A K-quant super-block with symmetric sub-blocks of 16 (Q3_K, Q6_K): the
/// f16 super-block scale, sub-block scales in [-scaleNeg, scaleNeg - 1] and
/// levels in [-nneg, nneg - 1].
struct SymmetricSuperBlock {
  uint16_t d = 0;
  int scales[16] = {};
  int levels[256] = {};
};

SymmetricSuperBlock quantizeSymmetric(const float *x, int nneg, int scaleNeg) {
  float fits[16];
  for (int j = 0; j < 16; ++j)
    fits[j] = fitSymmetric(x + 16 * j, 16, nneg, nneg - 1);
  // The largest sub-block scale maps to -scaleNeg, the longer end.
  SymmetricSuperBlock out;
  out.d = floatToHalf(signedAbsMax(fits, 16) / -scaleNeg);
  float d = halfToFloat(out.d);
  for (int j = 0; j < 16; ++j) {
    out.scales[j] =
        d != 0 ? roundClamp(fits[j] / d, -scaleNeg, scaleNeg - 1) : 0;
    float dl = d * out.scales[j];
    for (int i = 16 * j; i < 16 * (j + 1); ++i)
      out.levels[i] = dl != 0 ? roundClamp(x[i] / dl, -nneg, nneg - 1) : 0;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Quantizers, one block each
//===----------------------------------------------------------------------===//

/// Q4_0 / Q5_0: d = max / -2^(bits-1), levels q in [0, 2^bits) for q - half.
void quantizeSymmetricSmall(const float *x, int half, uint8_t *dOut,
                            int *levels) {
  uint16_t dBits = floatToHalf(signedAbsMax(x, 32) / -half);
  store16(dOut, dBits);
  float d = halfToFloat(dBits);
  for (int j = 0; j < 32; ++j)
    levels[j] = d != 0 ? roundClamp(x[j] / d, -half, half - 1) + half : half;
}

/// Q4_1 / Q5_1: x = q d + m with m the block's minimum.
void quantizeAffineSmall(const float *x, int nmax, uint8_t *dmOut,
                         int *levels) {
  float lo = x[0], hi = x[0];
  for (int j = 0; j < 32; ++j) {
    lo = std::min(lo, x[j]);
    hi = std::max(hi, x[j]);
  }
  uint16_t dBits = floatToHalf((hi - lo) / nmax), mBits = floatToHalf(lo);
  store16(dmOut, dBits);
  store16(dmOut + 2, mBits);
  float d = halfToFloat(dBits), m = halfToFloat(mBits);
  for (int j = 0; j < 32; ++j)
    levels[j] = d != 0 ? roundClamp((x[j] - m) / d, 0, nmax) : 0;
}

void packNibbles(const int *levels, uint8_t *qs) {
  for (int j = 0; j < 16; ++j)
    qs[j] = (levels[j] & 0xf) | (levels[j + 16] & 0xf) << 4;
}

uint32_t fifthBits(const int *levels) {
  uint32_t qh = 0;
  for (int j = 0; j < 32; ++j)
    qh |= static_cast<uint32_t>((levels[j] >> 4) & 1) << j;
  return qh;
}

void quantQ4_0(const float *x, uint8_t *b) {
  int levels[32];
  quantizeSymmetricSmall(x, 8, b, levels);
  packNibbles(levels, b + 2);
}

void quantQ4_1(const float *x, uint8_t *b) {
  int levels[32];
  quantizeAffineSmall(x, 15, b, levels);
  packNibbles(levels, b + 4);
}

void quantQ5_0(const float *x, uint8_t *b) {
  int levels[32];
  quantizeSymmetricSmall(x, 16, b, levels);
  store32(b + 2, fifthBits(levels));
  packNibbles(levels, b + 6);
}

void quantQ5_1(const float *x, uint8_t *b) {
  int levels[32];
  quantizeAffineSmall(x, 31, b, levels);
  store32(b + 4, fifthBits(levels));
  packNibbles(levels, b + 8);
}

void quantQ8_0(const float *x, uint8_t *b) {
  float amax = std::fabs(signedAbsMax(x, 32));
  uint16_t dBits = floatToHalf(amax / 127);
  store16(b, dBits);
  float d = halfToFloat(dBits);
  for (int j = 0; j < 32; ++j)
    b[2 + j] =
        static_cast<uint8_t>(d != 0 ? roundClamp(x[j] / d, -127, 127) : 0);
}

void quantQ2_K(const float *x, uint8_t *b) {
  AffineSuperBlock q = quantizeAffine(x, 16, 3, 15);
  for (int j = 0; j < 16; ++j)
    b[j] = q.scales[j] | q.mins[j] << 4;
  uint8_t *qs = b + 16;
  std::memset(qs, 0, 64);
  for (int e = 0; e < 256; ++e)
    qs[32 * (e / 128) + e % 32] |= q.levels[e] << (2 * ((e % 128) / 32));
  store16(b + 80, q.d);
  store16(b + 82, q.dmin);
}

void quantQ3_K(const float *x, uint8_t *b) {
  SymmetricSuperBlock q = quantizeSymmetric(x, 4, 32);
  uint8_t *hmask = b, *qs = b + 32, *scales = b + 96;
  std::memset(b, 0, 108);
  for (int e = 0; e < 256; ++e) {
    int u = q.levels[e] + 4; // 0..7
    int n = e / 128, j = (e % 128) / 32, l = e % 32;
    qs[32 * n + l] |= (u & 3) << (2 * j);
    hmask[l] |= (u >> 2) << (4 * n + j);
  }
  for (int i = 0; i < 16; ++i) {
    int u = q.scales[i] + 32; // 0..63
    scales[i % 8] |= (u & 0xf) << (4 * (i / 8));
    scales[8 + i % 4] |= (u >> 4) << (2 * (i / 4));
  }
  store16(b + 108, q.d);
}

/// Packs 8 six-bit scales and mins as kScaleMin reads them.
void packKScaleMin(const uint8_t *scales, const uint8_t *mins, uint8_t *q) {
  for (int j = 0; j < 4; ++j) {
    q[j] = scales[j] | (scales[j + 4] >> 4) << 6;
    q[j + 4] = mins[j] | (mins[j + 4] >> 4) << 6;
    q[j + 8] = (scales[j + 4] & 0xf) | (mins[j + 4] & 0xf) << 4;
  }
}

void quantQ4_K(const float *x, uint8_t *b) {
  AffineSuperBlock q = quantizeAffine(x, 32, 15, 63);
  store16(b, q.d);
  store16(b + 2, q.dmin);
  packKScaleMin(q.scales, q.mins, b + 4);
  uint8_t *qs = b + 16;
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l)
      qs[32 * c + l] = q.levels[64 * c + l] | q.levels[64 * c + 32 + l] << 4;
}

void quantQ5_K(const float *x, uint8_t *b) {
  AffineSuperBlock q = quantizeAffine(x, 32, 31, 63);
  store16(b, q.d);
  store16(b + 2, q.dmin);
  packKScaleMin(q.scales, q.mins, b + 4);
  uint8_t *qh = b + 16, *qs = b + 48;
  std::memset(qh, 0, 32);
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l)
      qs[32 * c + l] =
          (q.levels[64 * c + l] & 0xf) | (q.levels[64 * c + 32 + l] & 0xf) << 4;
  for (int e = 0; e < 256; ++e)
    qh[e % 32] |= (q.levels[e] >> 4) << (e / 32);
}

void quantQ6_K(const float *x, uint8_t *b) {
  SymmetricSuperBlock q = quantizeSymmetric(x, 32, 128);
  uint8_t *ql = b, *qh = b + 128, *scales = b + 192;
  std::memset(b, 0, 192);
  for (int e = 0; e < 256; ++e) {
    int u = q.levels[e] + 32; // 0..63
    int n = e / 128, k = (e % 128) / 32, l = e % 32;
    ql[64 * n + 32 * (k % 2) + l] |= (u & 0xf) << (4 * (k / 2));
    qh[32 * n + l] |= (u >> 4) << (2 * k);
  }
  for (int i = 0; i < 16; ++i)
    scales[i] = static_cast<uint8_t>(static_cast<int8_t>(q.scales[i]));
  store16(b + 208, q.d);
}

void quantQ8_K(const float *x, uint8_t *b) {
  float amax = std::fabs(signedAbsMax(x, 256));
  float d = amax / 127;
  store32(b, floatBits(d));
  for (int g = 0; g < 16; ++g) {
    int sum = 0;
    for (int e = 16 * g; e < 16 * (g + 1); ++e) {
      int q = d != 0 ? roundClamp(x[e] / d, -127, 127) : 0;
      b[4 + e] = static_cast<uint8_t>(q);
      sum += q;
    }
    store16(b + 260 + 2 * g, static_cast<uint16_t>(static_cast<int16_t>(sum)));
  }
}

struct BlockCodec {
  GGMLType type;
  void (*dequantize)(const uint8_t *, float *);
  void (*quantize)(const float *, uint8_t *);
};

const BlockCodec kCodecs[] = {
    {GGMLType::Q4_0, dequantQ4_0, quantQ4_0},
    {GGMLType::Q4_1, dequantQ4_1, quantQ4_1},
    {GGMLType::Q5_0, dequantQ5_0, quantQ5_0},
    {GGMLType::Q5_1, dequantQ5_1, quantQ5_1},
    {GGMLType::Q8_0, dequantQ8_0, quantQ8_0},
    {GGMLType::Q2_K, dequantQ2_K, quantQ2_K},
    {GGMLType::Q3_K, dequantQ3_K, quantQ3_K},
    {GGMLType::Q4_K, dequantQ4_K, quantQ4_K},
    {GGMLType::Q5_K, dequantQ5_K, quantQ5_K},
    {GGMLType::Q6_K, dequantQ6_K, quantQ6_K},
    {GGMLType::Q8_K, dequantQ8_K, quantQ8_K},
};

const BlockCodec *codecFor(GGMLType type) {
  for (const BlockCodec &codec : kCodecs)
    if (codec.type == type)
      return &codec;
  return nullptr;
}

/// Checks that `count` elements of `type` take exactly `bytes` bytes.
Expected<GGMLTypeTraits> checkSizes(GGMLType type, uint64_t count,
                                    uint64_t bytes, StringRef what) {
  Expected<GGMLTypeTraits> traits = traitsOf(type);
  if (!traits)
    return traits.takeError();
  Expected<uint64_t> expected = ggmlByteSize(type, count);
  if (!expected)
    return expected.takeError();
  if (*expected != bytes)
    return createStringError(inconvertibleErrorCode(),
                             what + ": " + Twine(count) + " " + traits->name +
                                 " elements take " + Twine(*expected) +
                                 " bytes, got " + Twine(bytes));
  return traits;
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

Error dequantize(GGMLType type, ArrayRef<uint8_t> blocks,
                 MutableArrayRef<float> out) {
  Expected<GGMLTypeTraits> traits =
      checkSizes(type, out.size(), blocks.size(), "dequantize");
  if (!traits)
    return traits.takeError();
  const uint8_t *in = blocks.data();
  switch (type) {
  case GGMLType::F32:
    std::memcpy(out.data(), in, blocks.size());
    return Error::success();
  case GGMLType::F16:
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = halfToFloat(load16(in + 2 * i));
    return Error::success();
  case GGMLType::BF16:
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = bf16ToFloat(load16(in + 2 * i));
    return Error::success();
  default: break;
  }
  const BlockCodec *codec = codecFor(type);
  if (!codec) // a type with traits but no codec yet
    return createStringError(inconvertibleErrorCode(),
                             "no block codec for " + traits->name);
  for (size_t blk = 0; blk < out.size() / traits->blockSize; ++blk)
    codec->dequantize(in + blk * traits->typeSize,
                      out.data() + blk * traits->blockSize);
  return Error::success();
}

Error quantize(GGMLType type, ArrayRef<float> values,
               MutableArrayRef<uint8_t> blocks) {
  Expected<GGMLTypeTraits> traits =
      checkSizes(type, values.size(), blocks.size(), "quantize");
  if (!traits)
    return traits.takeError();
  uint8_t *out = blocks.data();
  switch (type) {
  case GGMLType::F32:
    std::memcpy(out, values.data(), blocks.size());
    return Error::success();
  case GGMLType::F16:
    for (size_t i = 0; i < values.size(); ++i)
      store16(out + 2 * i, floatToHalf(values[i]));
    return Error::success();
  case GGMLType::BF16:
    for (size_t i = 0; i < values.size(); ++i)
      store16(out + 2 * i, floatToBF16(values[i]));
    return Error::success();
  default: break;
  }
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      return createStringError(
          inconvertibleErrorCode(),
          "quantize: value #" + Twine(i) + " is " +
              (std::isnan(values[i]) ? "NaN" : "infinite") + "; " +
              traits->name + " needs finite values");
  const BlockCodec *codec = codecFor(type);
  if (!codec) // a type with traits but no codec yet
    return createStringError(inconvertibleErrorCode(),
                             "no block codec for " + traits->name);
  for (size_t blk = 0; blk < values.size() / traits->blockSize; ++blk)
    codec->quantize(values.data() + blk * traits->blockSize,
                    out + blk * traits->typeSize);
  return Error::success();
}

Expected<std::vector<uint8_t>> quantize(GGMLType type, ArrayRef<float> values) {
  Expected<uint64_t> bytes = ggmlByteSize(type, values.size());
  if (!bytes)
    return bytes.takeError();
  std::vector<uint8_t> blocks(*bytes);
  if (Error e = quantize(type, values, blocks))
    return std::move(e);
  return blocks;
}

} // namespace born
