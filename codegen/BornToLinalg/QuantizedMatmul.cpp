// born.quantized_matmul -> one linalg.generic that decodes the weight's
// GGUF blocks inside the matmul's reduction.
//
// The iteration space is (rows, n, block, e): the activations [R, K] are
// viewed as [R, K / B, B] and read by a plain projection; the weight
// [N, row bytes] is read in the body with tensor.extract at byte offsets
// computed from (n, block, e). Each body evaluation decodes one weight value
// the way ggml's reference dequantizer does (same float operations in the
// same order) and accumulates x * w. With `e` innermost, what depends only
// on the block (its f16 scales) is loop-invariant in the innermost loop.
#include "codegen/BornToLinalg/Patterns.h"
#include "codegen/BornToLinalg/Utils.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace born;

namespace {

/// Reads the bytes of one block of the weight and does the i32/f32
/// arithmetic of a decoder. Offsets are bytes from the block's start.
class BlockDecoder {
public:
  BlockDecoder(OpBuilder &b, Location loc, Value weight, Value row,
               Value blockStart, Value e)
      : b(b), loc(loc), weight(weight), row(row), blockStart(blockStart),
        e(arith::IndexCastUIOp::create(b, loc, b.getI32Type(), e)) {}

  /// The element's index in its block, as i32.
  Value element() const { return e; }

  Value i32(int64_t v) const {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value add(Value x, Value y) const { return arith::AddIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t y) const { return add(x, i32(y)); }
  Value sub(Value x, int64_t y) const {
    return arith::SubIOp::create(b, loc, x, i32(y));
  }
  Value mul(Value x, int64_t y) const {
    return arith::MulIOp::create(b, loc, x, i32(y));
  }
  Value shr(Value x, Value s) const {
    return arith::ShRUIOp::create(b, loc, x, s);
  }
  Value shr(Value x, int64_t s) const { return shr(x, i32(s)); }
  Value shl(Value x, int64_t s) const {
    return arith::ShLIOp::create(b, loc, x, i32(s));
  }
  Value bitAnd(Value x, int64_t m) const {
    return arith::AndIOp::create(b, loc, x, i32(m));
  }
  Value bitOr(Value x, Value y) const {
    return arith::OrIOp::create(b, loc, x, y);
  }
  /// (x >> s) & mask: a bit field.
  Value field(Value x, Value s, int64_t mask) const {
    return bitAnd(shr(x, s), mask);
  }

  Value toFloat(Value i) const {
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), i);
  }
  Value fmul(Value x, Value y) const {
    return arith::MulFOp::create(b, loc, x, y);
  }
  Value fadd(Value x, Value y) const {
    return arith::AddFOp::create(b, loc, x, y);
  }
  Value fsub(Value x, Value y) const {
    return arith::SubFOp::create(b, loc, x, y);
  }

  /// The unsigned byte at `offset` (i32), zero-extended to i32.
  Value u8(Value offset) const {
    return arith::ExtUIOp::create(b, loc, b.getI32Type(), byteAt(offset));
  }
  Value u8(int64_t offset) const { return u8(i32(offset)); }
  /// The byte at `offset` as a signed value, sign-extended to i32.
  Value s8(Value offset) const {
    return arith::ExtSIOp::create(b, loc, b.getI32Type(), byteAt(offset));
  }

  /// The little-endian f16 at `offset`, as f32. Built from integer ops so
  /// that no target needs 16-bit float support.
  Value half(int64_t offset) const {
    Value h = bitOr(u8(offset), shl(u8(offset + 1), 8));
    Value sign = shl(bitAnd(h, 0x8000), 16);
    Value magnitude = bitAnd(h, 0x7fff);
    Value exponent = shr(magnitude, 10);
    Value mantissa = bitAnd(magnitude, 0x3ff);
    // Normal numbers: rebias the exponent (15 -> 127); infinity and NaN
    // keep an all-ones exponent; subnormals are mantissa * 2^-24 exactly.
    Value shifted = shl(magnitude, 13);
    Value normal = add(shifted, (127 - 15) << 23);
    Value special = bitOr(shifted, i32(0x7f800000));
    Value isSpecial = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            exponent, i32(31));
    Value bits = arith::SelectOp::create(b, loc, isSpecial, special, normal);
    Value regular = arith::BitcastOp::create(b, loc, b.getF32Type(),
                                             bitOr(bits, sign));
    Value tiny = fmul(toFloat(mantissa), f32(0x1p-24f));
    tiny = arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, sign, i32(0)),
        arith::NegFOp::create(b, loc, tiny), tiny);
    Value isSubnormal = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, exponent, i32(0));
    return arith::SelectOp::create(b, loc, isSubnormal, tiny, regular);
  }

  /// The little-endian f32 at `offset`.
  Value single(int64_t offset) const {
    Value bits = u8(offset);
    for (int64_t i = 1; i < 4; ++i)
      bits = bitOr(bits, shl(u8(offset + i), 8 * i));
    return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
  }

  Value f32(float v) const {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat(v));
  }
  Value select(Value cond, Value x, Value y) const {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value lessThan(Value x, int64_t y) const {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, i32(y));
  }

private:
  Value byteAt(Value offset) const {
    Value index = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), offset);
    index = arith::AddIOp::create(b, loc, blockStart, index);
    return tensor::ExtractOp::create(b, loc, weight, ValueRange{row, index});
  }

  OpBuilder &b;
  Location loc;
  Value weight, row, blockStart, e;
};

/// Q4_0 and Q4_1 (`qs` at `qsOffset`): nibble e / 16 of qs[e % 16].
Value nibble32(const BlockDecoder &d, int64_t qsOffset) {
  Value e = d.element();
  return d.field(d.u8(d.add(d.bitAnd(e, 15), qsOffset)),
                 d.mul(d.shr(e, 4), 4), 15);
}

/// Q5_0 and Q5_1: the Q4 nibble plus bit e of the 32-bit `qh`.
Value fiveBits32(const BlockDecoder &d, int64_t qhOffset, int64_t qsOffset) {
  Value e = d.element();
  Value high = d.field(d.u8(d.add(d.shr(e, 3), qhOffset)), d.bitAnd(e, 7), 1);
  return d.bitOr(nibble32(d, qsOffset), d.shl(high, 4));
}

/// Q4_K and Q5_K: (d * sc) and (dmin * m) of sub-block e / 32, the 6-bit
/// scale and min packed in the 12 bytes at offset 4.
std::pair<Value, Value> kScaleMin(const BlockDecoder &d) {
  Value j = d.shr(d.element(), 5);
  Value a = d.bitAnd(j, 3);
  // Sub-blocks j < 4 keep scale and min in the low 6 bits of bytes j and
  // j + 4; j >= 4 in the nibbles of byte j + 4, their top two bits in the
  // top bits of bytes j - 4 and j. With a = j % 4 these are bytes a, a + 4
  // and a + 8 in both cases.
  Value lo = d.u8(d.add(a, 4)), mid = d.u8(d.add(a, 8)),
        hi = d.u8(d.add(a, 12));
  Value first = d.lessThan(j, 4);
  Value scale = d.select(first, d.bitAnd(lo, 63),
                         d.bitOr(d.bitAnd(hi, 15), d.shl(d.shr(lo, 6), 4)));
  Value min = d.select(first, d.bitAnd(mid, 63),
                       d.bitOr(d.shr(hi, 4), d.shl(d.shr(mid, 6), 4)));
  return {d.fmul(d.half(0), d.toFloat(scale)),
          d.fmul(d.half(2), d.toFloat(min))};
}

/// The weight value of element `e` of the current block, as ggml's
/// reference dequantizer computes it (see docs/gguf.md for the layouts).
Value decode(QuantType type, const BlockDecoder &d) {
  Value e = d.element();
  switch (type) {
  case QuantType::q4_0:
    return d.fmul(d.toFloat(d.sub(nibble32(d, 2), 8)), d.half(0));
  case QuantType::q4_1:
    return d.fadd(d.fmul(d.toFloat(nibble32(d, 4)), d.half(0)), d.half(2));
  case QuantType::q5_0:
    return d.fmul(d.toFloat(d.sub(fiveBits32(d, 2, 6), 16)), d.half(0));
  case QuantType::q5_1:
    return d.fadd(d.fmul(d.toFloat(fiveBits32(d, 4, 8)), d.half(0)),
                  d.half(2));
  case QuantType::q8_0:
    return d.fmul(d.toFloat(d.s8(d.add(e, 2))), d.half(0));
  case QuantType::q2_K: {
    // e = 128 n + 32 j + l: bits 2j of qs[32 n + l] (qs at 16); the
    // sub-block's scale and min in the nibbles of scales[e / 16].
    Value n = d.shr(e, 7), j = d.bitAnd(d.shr(e, 5), 3), l = d.bitAnd(e, 31);
    Value sc = d.u8(d.shr(e, 4));
    Value dl = d.fmul(d.half(80), d.toFloat(d.bitAnd(sc, 15)));
    Value ml = d.fmul(d.half(82), d.toFloat(d.shr(sc, 4)));
    Value q = d.field(d.u8(d.add(d.add(d.mul(n, 32), l), 16)), d.mul(j, 2), 3);
    return d.fsub(d.fmul(dl, d.toFloat(q)), ml);
  }
  case QuantType::q3_K: {
    // hmask at 0, qs at 32, scales at 96, d at 108. Sub-block i = e / 16
    // has a 6-bit scale: low nibble (i / 8) of scales[i % 8], top two bits
    // 2 (i / 4) of scales[8 + i % 4].
    Value i = d.shr(e, 4);
    Value low = d.field(d.u8(d.add(d.bitAnd(i, 7), 96)),
                        d.mul(d.shr(i, 3), 4), 15);
    Value top = d.field(d.u8(d.add(d.bitAnd(i, 3), 104)),
                        d.mul(d.shr(i, 2), 2), 3);
    Value dl = d.fmul(d.half(108),
                      d.toFloat(d.sub(d.bitOr(low, d.shl(top, 4)), 32)));
    // e = 128 n + 32 j + l: bits 2j of qs[32 n + l]; bit 4n + j of
    // hmask[l] set means no -4.
    Value n = d.shr(e, 7), j = d.bitAnd(d.shr(e, 5), 3), l = d.bitAnd(e, 31);
    Value q = d.field(d.u8(d.add(d.add(d.mul(n, 32), l), 32)), d.mul(j, 2), 3);
    Value h = d.field(d.u8(l), d.add(d.mul(n, 4), j), 1);
    return d.fmul(dl, d.toFloat(d.add(d.sub(q, 4), d.mul(h, 4))));
  }
  case QuantType::q4_K:
  case QuantType::q5_K: {
    // e = 64 c + 32 h + l: nibble h of qs[32 c + l]; Q5_K adds bit e / 32
    // of qh[l] (qh at 16, its qs at 48).
    auto [dl, ml] = kScaleMin(d);
    Value c = d.shr(e, 6), h = d.bitAnd(d.shr(e, 5), 1), l = d.bitAnd(e, 31);
    int64_t qsOffset = type == QuantType::q4_K ? 16 : 48;
    Value q = d.field(d.u8(d.add(d.add(d.mul(c, 32), l), qsOffset)),
                      d.mul(h, 4), 15);
    if (type == QuantType::q5_K)
      q = d.add(q, d.shl(d.field(d.u8(d.add(l, 16)), d.shr(e, 5), 1), 4));
    return d.fsub(d.fmul(dl, d.toFloat(q)), ml);
  }
  case QuantType::q6_K: {
    // ql at 0, qh at 128, signed scales at 192, d at 208. e = 128 n + 32 k
    // + l: nibble k / 2 of ql[64 n + 32 (k % 2) + l], bits 2k of
    // qh[32 n + l].
    Value n = d.shr(e, 7), k = d.bitAnd(d.shr(e, 5), 3), l = d.bitAnd(e, 31);
    Value low = d.field(
        d.u8(d.add(d.add(d.mul(n, 64), d.mul(d.bitAnd(k, 1), 32)), l)),
        d.mul(d.shr(k, 1), 4), 15);
    Value high =
        d.field(d.u8(d.add(d.add(d.mul(n, 32), l), 128)), d.mul(k, 2), 3);
    Value dl = d.fmul(d.half(208), d.toFloat(d.s8(d.add(d.shr(e, 4), 192))));
    return d.fmul(dl, d.toFloat(d.sub(d.bitOr(low, d.shl(high, 4)), 32)));
  }
  case QuantType::q8_K:
    return d.fmul(d.single(0), d.toFloat(d.s8(d.add(e, 4))));
  }
  llvm_unreachable("unknown quant type");
}

struct QuantizedMatmulToLinalg : OpConversionPattern<QuantizedMatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizedMatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    QuantType type = op.getQuantType();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type f32 = rewriter.getF32Type();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    int64_t k = tensorType(input).getShape().back();
    int64_t rows = tensorType(input).getNumElements() / std::max<int64_t>(k, 1);
    int64_t n = tensorType(weight).getDimSize(0);
    int64_t block = QuantizedMatmulOp::blockSize(type),
            blockBytes = QuantizedMatmulOp::blockBytes(type);

    // x as [rows, blocks, B]: a block's values are one innermost loop.
    Value x = reshapeTensor(rewriter, loc, input,
                            RankedTensorType::get({rows, k}, f32));
    x = reshapeTensor(rewriter, loc, x,
                      RankedTensorType::get({rows, k / block, block}, f32));
    auto productType = RankedTensorType::get({rows, n}, f32);
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr r, col, blk, e;
    bindDims(ctx, r, col, blk, e);
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {r, blk, e}, ctx),
                                   AffineMap::get(4, 0, {r, col}, ctx)};
    Value product =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{productType}, ValueRange{x},
            ValueRange{createZeroTensor(rewriter, loc, productType)}, maps,
            iteratorTypes(4, {2, 3}),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value row = linalg::IndexOp::create(b, l, 1);
              Value blockIndex = linalg::IndexOp::create(b, l, 2);
              Value start = arith::MulIOp::create(
                  b, l, blockIndex,
                  arith::ConstantIndexOp::create(b, l, blockBytes));
              BlockDecoder decoder(b, l, weight, row, start,
                                   linalg::IndexOp::create(b, l, 3));
              Value w = decode(type, decoder);
              Value sum = arith::AddFOp::create(
                  b, l, args[1], arith::MulFOp::create(b, l, args[0], w));
              linalg::YieldOp::create(b, l, sum);
            })
            .getResult(0);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, product, resultType));
    return success();
  }
};

} // namespace

void born::populateQuantizedMatmulToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<QuantizedMatmulToLinalg>(patterns.getContext());
}
