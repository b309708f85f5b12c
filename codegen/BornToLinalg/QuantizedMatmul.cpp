// born.quantized_matmul -> one linalg.generic that decodes the weight's
// GGUF blocks inside the matmul's reduction (a few activation rows: decode
// steps), or a decode of the whole weight, transposed, and a linalg.matmul
// (many rows: a prompt); born.dequantize -> one parallel linalg.generic
// decoding every value of its rows the same way. A float weight (f32, f16,
// bf16) goes the same way, its "blocks" runs of up to 16 values.
//
// The product's iteration space is (rows, n, block group, chain, in-block
// dims): the activations [R, K] are viewed as [R, K / (B chains), chains,
// in-block dims] and read by a plain projection; the weight [N, row bytes] is read in the body with
// tensor.extract at byte offsets computed from (n, block, in-block
// indices). Each body evaluation decodes one weight value the way ggml's
// reference dequantizer does (same float operations in the same order) and
// accumulates x * w. What depends only on the block (its f16 scales) is
// invariant in the in-block loops, and the in-block dims are chosen so that
// the bytes of consecutive values along the innermost one are consecutive.
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

/// How a block's values are indexed: e = the row-major position in these
/// dims. Chosen so that the byte holding a value's low bits sits at an
/// offset that is affine in the innermost dim with stride 1 (a row of
/// contiguous bytes), e.g. Q4_0's e = 16 h + i reads byte 2 + i.
SmallVector<int64_t> blockDims(QuantType type) {
  switch (type) {
  case QuantType::q4_0:
  case QuantType::q4_1:
  case QuantType::q5_0:
  case QuantType::q5_1:
    return {2, 16}; // nibble, byte
  case QuantType::q8_0:
    return {32};
  case QuantType::q2_K:
  case QuantType::q3_K:
  case QuantType::q6_K:
    // 128-value half, bit pair (Q6_K: nibble x qh pair), 16-value sub-block
    // (its own scale), l % 16: the lanes share a scale.
    return {2, 4, 2, 16};
  case QuantType::q4_K:
  case QuantType::q5_K:
    return {4, 2, 32}; // 64-value chunk, nibble, l
  case QuantType::q8_K:
    return {256};
  case QuantType::f32:
  case QuantType::f16:
  case QuantType::bf16:
    break; // no blocks: see rowLayout
  }
  llvm_unreachable("float weights have no block dims");
}

bool isFloat(QuantType type) {
  return type == QuantType::f32 || type == QuantType::f16 ||
         type == QuantType::bf16;
}

/// How the lowerings step through a weight row: blocks of `values` values
/// stored in `units` elements of the weight tensor, indexed inside a block
/// by `dims`. A block format's units are its bytes; a float weight is cut
/// into blocks of up to 16 of its values (vector lanes), K's largest power
/// of two divisor up to 16, so the same loops serve it.
struct RowLayout {
  int64_t values, units;
  SmallVector<int64_t> dims;
};

RowLayout rowLayout(QuantType type, int64_t k) {
  if (!isFloat(type))
    return {QuantizedMatmulOp::blockSize(type),
            QuantizedMatmulOp::blockBytes(type), blockDims(type)};
  int64_t lanes = 16;
  while (k % lanes != 0)
    lanes /= 2;
  return {lanes, lanes, {lanes}};
}

/// Integer and float arithmetic of a decoder, plus reads of the current
/// block's bytes. Integer helpers work on index and i32 values alike (the
/// constant takes the other operand's type); byte offsets are index values
/// counted from the block's start, bit arithmetic is i32.
class BlockDecoder {
public:
  /// `fastMath` goes on the float arithmetic: `contract` lets a scale's
  /// multiply and a min's subtraction fuse into one instruction (a rounding
  /// fewer than ggml's dequantizer, which a product's sum order changes
  /// anyway); none reproduces ggml's values exactly.
  BlockDecoder(OpBuilder &b, Location loc, Value weight, Value row,
               Value blockStart,
               arith::FastMathFlags fastMath = arith::FastMathFlags::none)
      : b(b), loc(loc), weight(weight), row(row), blockStart(blockStart),
        fastMath(fastMath) {}

  Value constant(Type type, int64_t v) const {
    return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, v));
  }
  Value i32(int64_t v) const { return constant(b.getI32Type(), v); }
  /// An i32 value as an index (a byte offset).
  Value toIndex(Value i) const {
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), i);
  }
  /// An index value as i32, for bit arithmetic.
  Value toI32(Value index) const {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
  }

  Value add(Value x, Value y) const {
    return arith::AddIOp::create(b, loc, x, y);
  }
  Value add(Value x, int64_t y) const {
    return add(x, constant(x.getType(), y));
  }
  Value sub(Value x, int64_t y) const {
    return arith::SubIOp::create(b, loc, x, constant(x.getType(), y));
  }
  Value mul(Value x, int64_t y) const {
    return arith::MulIOp::create(b, loc, x, constant(x.getType(), y));
  }
  Value shr(Value x, Value s) const {
    return arith::ShRUIOp::create(b, loc, x, s);
  }
  Value shr(Value x, int64_t s) const {
    return shr(x, constant(x.getType(), s));
  }
  Value shl(Value x, int64_t s) const {
    return arith::ShLIOp::create(b, loc, x, constant(x.getType(), s));
  }
  Value bitAnd(Value x, int64_t m) const {
    return arith::AndIOp::create(b, loc, x, constant(x.getType(), m));
  }
  Value bitOr(Value x, Value y) const {
    return arith::OrIOp::create(b, loc, x, y);
  }
  /// (x >> s) & mask: a bit field.
  Value field(Value x, Value s, int64_t mask) const {
    return bitAnd(shr(x, s), mask);
  }

  Value f32(float v) const {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(v));
  }
  Value toFloat(Value i) const {
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), i);
  }
  Value fmul(Value x, Value y) const {
    return arith::MulFOp::create(b, loc, x, y, fastMath);
  }
  Value fadd(Value x, Value y) const {
    return arith::AddFOp::create(b, loc, x, y, fastMath);
  }
  Value fsub(Value x, Value y) const {
    return arith::SubFOp::create(b, loc, x, y, fastMath);
  }
  Value select(Value cond, Value x, Value y) const {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value lessThan(Value x, int64_t y) const {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                                 constant(x.getType(), y));
  }

  /// The unsigned byte at `offset` (index), zero-extended to i32.
  Value u8(Value offset) const {
    return arith::ExtUIOp::create(b, loc, b.getI32Type(), byteAt(offset));
  }
  Value u8(int64_t offset) const { return u8(index(offset)); }
  /// The byte at `offset` as a signed value, sign-extended to i32.
  Value s8(Value offset) const {
    return arith::ExtSIOp::create(b, loc, b.getI32Type(), byteAt(offset));
  }

  /// The little-endian f16 at `offset`, as f32: CPUs convert it in one
  /// instruction (F16C), Vulkan kernels with OpFConvert.
  Value half(int64_t offset) const {
    Value bits = bitOr(u8(offset), shl(u8(offset + 1), 8));
    Value h = arith::TruncIOp::create(b, loc, b.getI16Type(), bits);
    Value half = arith::BitcastOp::create(b, loc, b.getF16Type(), h);
    return arith::ExtFOp::create(b, loc, b.getF32Type(), half);
  }

  /// The little-endian 32-bit word at `offset`, as i32.
  Value u32(int64_t offset) const {
    Value bits = u8(offset);
    for (int64_t i = 1; i < 4; ++i)
      bits = bitOr(bits, shl(u8(offset + i), 8 * i));
    return bits;
  }

  /// The little-endian f32 at `offset`.
  Value single(int64_t offset) const {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), u32(offset));
  }

  /// A float weight's value at `offset`, widened to f32 (exactly).
  Value element(Value offset) const {
    Value v = byteAt(offset);
    if (v.getType().isF32())
      return v;
    return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  }

private:
  Value index(int64_t v) const { return constant(b.getIndexType(), v); }
  /// The weight element at `offset` from the block's start.
  Value byteAt(Value offset) const {
    return tensor::ExtractOp::create(b, loc, weight,
                                     ValueRange{row, add(blockStart, offset)});
  }

  OpBuilder &b;
  Location loc;
  Value weight, row, blockStart;
  arith::FastMathFlags fastMath;
};

/// Q4_0 and Q4_1 (`qs` at `qsOffset`): nibble h of qs[i].
Value nibble32(const BlockDecoder &d, ValueRange sub, int64_t qsOffset) {
  return d.field(d.u8(d.add(sub[1], qsOffset)), d.mul(d.toI32(sub[0]), 4), 15);
}

/// Q5_0 and Q5_1: the Q4 nibble plus bit e = 16 h + i of the 32-bit `qh`,
/// read whole (the same word for every value of the block, so vectors
/// shift one broadcast word rather than gather a byte per value).
Value fiveBits32(const BlockDecoder &d, ValueRange sub, int64_t qhOffset,
                 int64_t qsOffset) {
  Value e = d.toI32(d.add(d.mul(sub[0], 16), sub[1]));
  Value high = d.field(d.u32(qhOffset), e, 1);
  return d.bitOr(nibble32(d, sub, qsOffset), d.shl(high, 4));
}

/// Q4_K and Q5_K: (d * sc) and (dmin * m) of sub-block j (i32), the 6-bit
/// scale and min packed in the 12 bytes at offset 4.
std::pair<Value, Value> kScaleMin(const BlockDecoder &d, Value j) {
  // Sub-blocks j < 4 keep scale and min in the low 6 bits of bytes j and
  // j + 4; j >= 4 in the nibbles of byte j + 4, their top two bits in the
  // top bits of bytes j - 4 and j. With a = j % 4 these are bytes a, a + 4
  // and a + 8 in both cases.
  Value a = d.toIndex(d.bitAnd(j, 3));
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

/// Q2_K, Q3_K and Q6_K, whose blockDims split a block's values e = 128 n
/// + 32 j + 16 s + l % 16 at each 16-value sub-block: (n, j, s, l) with l
/// = 16 s + l % 16 (0-31) rebuilt.
std::array<Value, 4> subBlockPosition(const BlockDecoder &d, ValueRange sub) {
  return {sub[0], sub[1], sub[2], d.add(d.mul(sub[2], 16), sub[3])};
}

/// The weight value at position `sub` (indices into blockDims(type)) of the
/// current block, as ggml's reference dequantizer computes it (layouts in
/// docs/gguf.md).
Value decode(QuantType type, const BlockDecoder &d, ValueRange sub) {
  switch (type) {
  case QuantType::q4_0:
    return d.fmul(d.toFloat(d.sub(nibble32(d, sub, 2), 8)), d.half(0));
  case QuantType::q4_1:
    return d.fadd(d.fmul(d.toFloat(nibble32(d, sub, 4)), d.half(0)), d.half(2));
  case QuantType::q5_0:
    return d.fmul(d.toFloat(d.sub(fiveBits32(d, sub, 2, 6), 16)), d.half(0));
  case QuantType::q5_1:
    return d.fadd(d.fmul(d.toFloat(fiveBits32(d, sub, 4, 8)), d.half(0)),
                  d.half(2));
  case QuantType::q8_0:
    return d.fmul(d.toFloat(d.s8(d.add(sub[0], 2))), d.half(0));
  case QuantType::q2_K: {
    // e = 128 n + 32 j + l: bits 2j of qs[32 n + l] (qs at 16); the
    // sub-block's scale and min in the nibbles of scales[e / 16], at
    // 8 n + 2 j + l / 16.
    auto [n, j, s, l] = subBlockPosition(d, sub);
    Value sc = d.u8(d.add(d.add(d.mul(n, 8), d.mul(j, 2)), s));
    Value dl = d.fmul(d.half(80), d.toFloat(d.bitAnd(sc, 15)));
    Value ml = d.fmul(d.half(82), d.toFloat(d.shr(sc, 4)));
    Value q = d.field(d.u8(d.add(d.add(d.mul(n, 32), l), 16)),
                      d.mul(d.toI32(j), 2), 3);
    return d.fsub(d.fmul(dl, d.toFloat(q)), ml);
  }
  case QuantType::q3_K: {
    // hmask at 0, qs at 32, scales at 96, d at 108. Sub-block i = e / 16
    // has a 6-bit scale: low nibble (i / 8) of scales[i % 8], top two bits
    // 2 (i / 4) of scales[8 + i % 4].
    auto [n, j, s, l] = subBlockPosition(d, sub);
    Value i = d.add(d.add(d.mul(n, 8), d.mul(j, 2)), s);
    Value low = d.field(d.u8(d.add(d.bitAnd(i, 7), 96)),
                        d.mul(d.toI32(d.shr(i, 3)), 4), 15);
    Value top = d.field(d.u8(d.add(d.bitAnd(i, 3), 104)),
                        d.mul(d.toI32(d.shr(i, 2)), 2), 3);
    Value dl =
        d.fmul(d.half(108), d.toFloat(d.sub(d.bitOr(low, d.shl(top, 4)), 32)));
    // e = 128 n + 32 j + l: bits 2j of qs[32 n + l]; bit 4n + j of
    // hmask[l] set means no -4.
    Value q = d.field(d.u8(d.add(d.add(d.mul(n, 32), l), 32)),
                      d.mul(d.toI32(j), 2), 3);
    Value h = d.field(d.u8(l), d.toI32(d.add(d.mul(n, 4), j)), 1);
    return d.fmul(dl, d.toFloat(d.add(d.sub(q, 4), d.mul(h, 4))));
  }
  case QuantType::q4_K:
  case QuantType::q5_K: {
    // e = 64 c + 32 h + l: nibble h of qs[32 c + l] in sub-block 2c + h;
    // Q5_K adds bit 2c + h of qh[l] (qh at 16, its qs at 48).
    Value c = sub[0], h = sub[1], l = sub[2];
    Value j = d.toI32(d.add(d.mul(c, 2), h));
    auto [dl, ml] = kScaleMin(d, j);
    int64_t qsOffset = type == QuantType::q4_K ? 16 : 48;
    Value q = d.field(d.u8(d.add(d.add(d.mul(c, 32), l), qsOffset)),
                      d.mul(d.toI32(h), 4), 15);
    if (type == QuantType::q5_K)
      q = d.add(q, d.shl(d.field(d.u8(d.add(l, 16)), j, 1), 4));
    return d.fsub(d.fmul(dl, d.toFloat(q)), ml);
  }
  case QuantType::q6_K: {
    // ql at 0, qh at 128, signed scales at 192, d at 208. e = 128 n + 32 k
    // + l: nibble k / 2 of ql[64 n + 32 (k % 2) + l], bits 2k of
    // qh[32 n + l], scale e / 16 = 8 n + 2 k + l / 16.
    auto [n, k, s, l] = subBlockPosition(d, sub);
    Value low =
        d.field(d.u8(d.add(d.add(d.mul(n, 64), d.mul(d.bitAnd(k, 1), 32)), l)),
                d.mul(d.toI32(d.shr(k, 1)), 4), 15);
    Value high = d.field(d.u8(d.add(d.add(d.mul(n, 32), l), 128)),
                         d.mul(d.toI32(k), 2), 3);
    Value scale = d.add(d.add(d.mul(n, 8), d.mul(k, 2)), s);
    Value dl = d.fmul(d.half(208), d.toFloat(d.s8(d.add(scale, 192))));
    return d.fmul(dl, d.toFloat(d.sub(d.bitOr(low, d.shl(high, 4)), 32)));
  }
  case QuantType::q8_K:
    return d.fmul(d.single(0), d.toFloat(d.s8(d.add(sub[0], 4))));
  case QuantType::f32:
  case QuantType::f16:
  case QuantType::bf16:
    return d.element(sub[0]);
  }
  llvm_unreachable("unknown quant type");
}

/// Every value of the [rows, row bytes] blocks `bytes`, decoded: [rows, K],
/// or [K, rows] when `transposed`. The iteration space is (row, block,
/// in-block dims), the row dim last when transposed: vectors then run
/// across rows (gathering a byte from each) and their stores are contiguous.
Value decodeRows(OpBuilder &b, Location loc, Value bytes, QuantType type,
                 bool transposed) {
  ArrayRef<int64_t> bytesShape = tensorType(bytes).getShape();
  int64_t rows = bytesShape[0];
  int64_t k = isFloat(type) ? bytesShape[1]
                            : bytesShape[1] / QuantizedMatmulOp::blockBytes(type) *
                                  QuantizedMatmulOp::blockSize(type);
  RowLayout layout = rowLayout(type, k);
  int64_t blockUnits = layout.units;
  int64_t blocks = k / layout.values;
  SmallVector<int64_t> shape = {blocks};
  shape.append(layout.dims);
  if (transposed)
    shape.push_back(rows);
  else
    shape.insert(shape.begin(), rows);
  unsigned numLoops = shape.size();
  unsigned rowDim = transposed ? numLoops - 1 : 0;
  unsigned blockDim = transposed ? 0 : 1;
  Type f32 = b.getF32Type();
  Value decoded =
      linalg::GenericOp::create(
          b, loc, TypeRange{RankedTensorType::get(shape, f32)}, ValueRange{},
          ValueRange{tensor::EmptyOp::create(b, loc, shape, f32)},
          AffineMap::getMultiDimIdentityMap(numLoops, b.getContext()),
          iteratorTypes(numLoops, {}),
          [&](OpBuilder &nb, Location l, ValueRange) {
            Value row = linalg::IndexOp::create(nb, l, rowDim);
            Value start = arith::MulIOp::create(
                nb, l, linalg::IndexOp::create(nb, l, blockDim),
                arith::ConstantIndexOp::create(nb, l, blockUnits));
            SmallVector<Value> sub;
            for (unsigned d = blockDim + 1; d < blockDim + numLoops - 1; ++d)
              sub.push_back(linalg::IndexOp::create(nb, l, d));
            BlockDecoder decoder(nb, l, bytes, row, start);
            linalg::YieldOp::create(nb, l, decode(type, decoder, sub));
          })
          .getResult(0);
  auto type2d = transposed ? RankedTensorType::get({k, rows}, f32)
                           : RankedTensorType::get({rows, k}, f32);
  return reshapeTensor(b, loc, decoded, type2d);
}

/// From this many activation rows on (a prompt's tokens), the weight is
/// decoded once, transposed, and multiplied as a float matmul: decoding it
/// inside the product would decode every value once per row.
constexpr int64_t kDecodeOnceRows = 8;

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
    ArrayRef<int64_t> inputShape = tensorType(input).getShape();
    int64_t k = inputShape.back();
    int64_t rows = 1;
    for (int64_t d : inputShape.drop_back())
      rows *= d;
    int64_t n = tensorType(weight).getDimSize(0);
    RowLayout layout = rowLayout(type, k);
    int64_t blockUnits = layout.units;
    SmallVector<int64_t> inBlock = layout.dims;

    Value x = reshapeTensor(rewriter, loc, input,
                            RankedTensorType::get({rows, k}, f32));
    if (rows >= kDecodeOnceRows) {
      Value w = decodeRows(rewriter, loc, weight, type, /*transposed=*/true);
      Value product = createMatmul(rewriter, loc, x, w);
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, product, resultType));
      return success();
    }

    // Loops (row, n, block group, chain, in-block dims...): block
    // group * chains + chain is the block. The chains and the innermost
    // in-block dim (the lanes, whose weight bytes are consecutive) stay
    // parallel: the generic accumulates one partial sum per chain and lane,
    // [rows, N, chains, lanes], so that its tiles are vector multiply-adds
    // with no horizontal reduction inside the reduction loops, the chains'
    // sums independent (a CPU overlaps their multiply-adds instead of
    // waiting for each one's latency; a GPU gets that much more parallel
    // work); a second generic sums chains and lanes. x is viewed the same
    // way, e.g. [rows, K / 64, 2, 2, 16] for Q4_0 with two chains.
    int64_t blocks = k / layout.values;
    int64_t chains = blocks % 4 == 0 ? 4 : blocks % 2 == 0 ? 2 : 1;
    SmallVector<int64_t> xShape = {rows, blocks / chains, chains};
    xShape.append(inBlock);
    x = reshapeTensor(rewriter, loc, x, RankedTensorType::get(xShape, f32));
    unsigned numLoops = xShape.size() + 1;
    int64_t lanes = inBlock.back();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> xExprs = {getAffineDimExpr(0, ctx)};
    for (unsigned d = 2; d < numLoops; ++d)
      xExprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, xExprs, ctx),
        AffineMap::get(numLoops, 0,
                       {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx),
                        getAffineDimExpr(3, ctx),
                        getAffineDimExpr(numLoops - 1, ctx)},
                       ctx)};
    SmallVector<int64_t> reductions = {2};
    for (unsigned d = 4; d + 1 < numLoops; ++d)
      reductions.push_back(d);

    auto partialType = RankedTensorType::get({rows, n, chains, lanes}, f32);
    auto partial =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{partialType}, ValueRange{x},
            ValueRange{createZeroTensor(rewriter, loc, partialType)}, maps,
            iteratorTypes(numLoops, reductions),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value row = linalg::IndexOp::create(b, l, 1);
              Value block = arith::AddIOp::create(
                  b, l,
                  arith::MulIOp::create(
                      b, l, linalg::IndexOp::create(b, l, 2),
                      arith::ConstantIndexOp::create(b, l, chains)),
                  linalg::IndexOp::create(b, l, 3));
              Value start = arith::MulIOp::create(
                  b, l, block,
                  arith::ConstantIndexOp::create(b, l, blockUnits));
              SmallVector<Value> sub;
              for (unsigned d = 4; d < numLoops; ++d)
                sub.push_back(linalg::IndexOp::create(b, l, d));
              // One fused multiply-add per value where the target has one.
              auto contract = arith::FastMathFlags::contract;
              BlockDecoder decoder(b, l, weight, row, start, contract);
              Value w = decode(type, decoder, sub);
              Value sum = arith::AddFOp::create(
                  b, l, args[1],
                  arith::MulFOp::create(b, l, args[0], w, contract), contract);
              linalg::YieldOp::create(b, l, sum);
            });

    // One reduction over each output's chains and lanes, viewed as one dim.
    Value sums = reshapeTensor(
        rewriter, loc, partial.getResult(0),
        RankedTensorType::get({rows, n, chains * lanes}, f32));
    auto productType = RankedTensorType::get({rows, n}, f32);
    Value product = createReductionGeneric(
        rewriter, loc, createZeroTensor(rewriter, loc, productType), sums,
        {AffineMap::getMultiDimIdentityMap(3, ctx)}, {2},
        [](OpBuilder &b, Location l, ValueRange args) {
          return arith::AddFOp::create(b, l, args[1], args[0]).getResult();
        });
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, product, resultType));
    return success();
  }
};

/// Iterates (row, block, in-block dims) over an empty [rows, K / B,
/// in-block dims] result: each point decodes its value from the row's bytes.
struct DequantizeToLinalg : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput();
    ArrayRef<int64_t> inputShape = tensorType(input).getShape();
    int64_t rows = 1;
    for (int64_t d : inputShape.drop_back())
      rows *= d;
    Value bytes = reshapeTensor(
        rewriter, loc, input,
        RankedTensorType::get({rows, inputShape.back()}, rewriter.getI8Type()));
    Value decoded = decodeRows(rewriter, loc, bytes, op.getQuantType(),
                               /*transposed=*/false);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, decoded, resultType));
    return success();
  }
};

} // namespace

void born::populateQuantizedMatmulToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<QuantizedMatmulToLinalg, DequantizeToLinalg>(
      patterns.getContext());
}
