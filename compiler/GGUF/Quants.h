//===- Quants.h - ggml block formats: reference (de)quantizers ------------===//
//
// Reference dequantizers and quantizers for the ggml tensor types a GGUF
// file can hold (F32, F16, BF16, Q4_0 ... Q8_0, Q2_K ... Q8_K). The block
// layouts are documented in docs/gguf.md. The dequantizers reproduce ggml's
// reference dequantizers bit for bit; the quantizers write blocks ggml reads
// the same way, with a reconstruction error close to ggml's own reference
// quantizers (not bit-identical: Quants.cpp says where they differ).
//
//===----------------------------------------------------------------------===//

#ifndef BORN_COMPILER_GGUF_QUANTS_H
#define BORN_COMPILER_GGUF_QUANTS_H

#include "compiler/GGUF/GGUF.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace born {

/// IEEE 754 binary16 to float: exact, NaN stays NaN.
float halfToFloat(uint16_t bits);
/// Float to binary16, rounding to nearest even; overflow gives infinity.
uint16_t floatToHalf(float value);
/// bfloat16 to float: exact.
float bf16ToFloat(uint16_t bits);
/// Float to bfloat16, rounding to nearest even; NaN stays a (quiet) NaN.
uint16_t floatToBF16(float value);

/// Bytes that `count` elements of `type` take; an error if `count` is not a
/// whole number of blocks.
llvm::Expected<uint64_t> ggmlByteSize(GGMLType type, uint64_t count);

/// Decodes `blocks` of `type` into `out`. `out.size()` must be a whole number
/// of blocks and `blocks` exactly as many bytes as those blocks take.
llvm::Error dequantize(GGMLType type, llvm::ArrayRef<uint8_t> blocks,
                       llvm::MutableArrayRef<float> out);

/// Encodes `values` as `type` into `blocks`, which must be exactly
/// ggmlByteSize(type, values.size()) bytes. Quantized types need finite
/// values (the error names the first that is not).
llvm::Error quantize(GGMLType type, llvm::ArrayRef<float> values,
                     llvm::MutableArrayRef<uint8_t> blocks);

/// As above, returning the blocks.
llvm::Expected<std::vector<uint8_t>> quantize(GGMLType type,
                                              llvm::ArrayRef<float> values);

} // namespace born

#endif // BORN_COMPILER_GGUF_QUANTS_H
