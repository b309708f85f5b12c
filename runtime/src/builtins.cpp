// Compiler support functions that compiled models may call and that the
// system's libgcc may lack.
//
// Without native bfloat16 conversions (x86 before AVX512-BF16/AVX-NE-CONVERT)
// LLVM lowers a float -> bfloat16 truncation to a call of __truncsfbf2
// (__truncdfbf2 from double). compiler-rt and GCC 13's libgcc have them;
// Debian 12's libgcc (GCC 12) does not, and linking compiler-rt's builtins
// would tie models to one toolchain. Every model links this runtime, so the
// runtime defines them (weak: a toolchain's own copy wins where it is linked).
// Round to nearest even, NaNs stay (quiet) NaNs, as compiler-rt does.
#include <cmath>
#include <cstdint>
#include <cstring>

namespace {
uint16_t bf16FromFloat(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: keep the sign, make it quiet
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  uint32_t roundingBias = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + roundingBias) >> 16);
}

uint16_t bf16FromDouble(double d) {
  if (std::isnan(d))
    return std::signbit(d) ? 0xffc0u : 0x7fc0u;
  // Round to odd into float, then to nearest even into bfloat16: float keeps
  // at least 16 more fraction bits than bfloat16 at every exponent, so the
  // result equals rounding the double once.
  float f = static_cast<float>(d);
  if (static_cast<double>(f) != d) {
    if (std::fabs(static_cast<double>(f)) > std::fabs(d))
      f = std::nextafter(f, 0.0f);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    bits |= 1u;
    std::memcpy(&f, &bits, 4);
  }
  return bf16FromFloat(f);
}

// The bfloat16 result travels in the low 16 bits of the first floating-point
// return register (x86-64 xmm0, AArch64 v0), as LLVM's calls expect. Where
// the compiler has no __bf16, a float whose low bits hold it returns it in
// the same register.
#if defined(__clang__) && __clang_major__ >= 17 ||                            \
    !defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 13
using bf16_return = __bf16;
#else
using bf16_return = float;
#endif

bf16_return asReturn(uint16_t bits) {
  bf16_return r{};
  std::memcpy(&r, &bits, 2); // little-endian: the low 16 bits
  return r;
}
} // namespace

extern "C" {
__attribute__((weak)) bf16_return __truncsfbf2(float f) {
  return asReturn(bf16FromFloat(f));
}
__attribute__((weak)) bf16_return __truncdfbf2(double d) {
  return asReturn(bf16FromDouble(d));
}
}
