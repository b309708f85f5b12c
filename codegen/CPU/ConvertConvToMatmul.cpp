// linalg.conv_2d_nchw_fchw -> im2col + a matmul over (filter, pixel) blocks.
#include "codegen/CPU/BlockSizes.h"
#include "codegen/CPU/Passes.h"
#include "dialects/born/IR/BornOps.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_CONVERTCONVTOMATMUL
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// Whether the convolution's input is computed outside the dispatch region
/// holding it (or there is no region): the im2col copy goes in front of the
/// region, where it is a kernel of its own.
bool inputDefinedOutsideRegion(linalg::Conv2DNchwFchwOp conv) {
  auto region = conv->getParentOfType<born::DispatchOp>();
  if (!region)
    return true;
  return !region.getBody().isAncestor(conv.getDpsInputs()[0].getParentRegion());
}

struct ConvertConvToMatmulPass
    : born::impl::ConvertConvToMatmulBase<ConvertConvToMatmulPass> {
  using ConvertConvToMatmulBase::ConvertConvToMatmulBase;

  void runOnOperation() override {
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation().walk([&](linalg::Conv2DNchwFchwOp conv) {
      if (conv.hasPureTensorSemantics() && isConvertible(conv))
        convs.push_back(conv);
    });
    if (convs.empty())
      return;
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNchwFchwOp conv : convs)
      convert(rewriter, conv);

    getOperation().walk([&](linalg::GenericOp generic) {
      dropConstantUnitDims(rewriter, generic);
    });
    // The matmul's [N, F, OH*OW] result is expanded back to NCHW; its
    // elementwise consumers (bias, activation, residual add) take the
    // collapsed shape instead, so the whole chain tiles in (filter, pixel)
    // blocks and fuses into the matmul's tiles.
    RewritePatternSet patterns(&getContext());
    linalg::populateFoldReshapeOpsByCollapsingPatterns(
        patterns, [](OpOperand *use) {
          auto consumer = dyn_cast<linalg::LinalgOp>(use->getOwner());
          return consumer &&
                 consumer.getNumLoops() == consumer.getNumParallelLoops();
        });
    linalg::FillOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }

  /// Operand dims of size 1 read at index 0 (a bias [F, 1, 1] at
  /// (f, 0, 0)) leave the operand: upstream's reshape folding takes only
  /// projected permutations.
  static void dropConstantUnitDims(IRRewriter &rewriter,
                                   linalg::GenericOp generic) {
    if (!generic.hasPureTensorSemantics())
      return;
    for (OpOperand *operand : generic.getDpsInputOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand->get().getType());
      AffineMap map = generic.getMatchingIndexingMap(operand);
      if (!type || map.isProjectedPermutation())
        continue;
      SmallVector<AffineExpr> kept;
      SmallVector<ReassociationIndices> groups;
      SmallVector<int64_t> shape;
      for (auto [d, expr] : llvm::enumerate(map.getResults())) {
        auto constant = dyn_cast<AffineConstantExpr>(expr);
        bool drop = constant && constant.getValue() == 0 &&
                    type.getDimSize(d) == 1;
        if (!drop) {
          kept.push_back(expr);
          shape.push_back(type.getDimSize(d));
          groups.emplace_back();
        }
        // A dropped dim joins the group of the kept dim before it (the
        // first kept dim, for leading ones).
        if (groups.empty())
          groups.emplace_back();
        groups.back().push_back(d);
      }
      if (kept.size() == map.getNumResults() || kept.empty())
        continue;
      // Leading dropped dims were grouped ahead of the first kept dim.
      if (groups.size() > kept.size()) {
        groups[1].insert(groups[1].begin(), groups[0].begin(),
                         groups[0].end());
        groups.erase(groups.begin());
      }
      rewriter.setInsertionPoint(generic);
      Value collapsed = tensor::CollapseShapeOp::create(
          rewriter, generic.getLoc(),
          RankedTensorType::get(shape, type.getElementType()), operand->get(),
          groups);
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      maps[operand->getOperandNumber()] =
          AffineMap::get(map.getNumDims(), 0, kept, generic.getContext());
      rewriter.modifyOpInPlace(generic, [&] {
        operand->set(collapsed);
        generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
    }
  }

  /// A zero fill, also one in a dispatch region of its own (a fill that CSE
  /// shared between convolutions).
  static bool isZeroFill(Value init) {
    if (auto region = init.getDefiningOp<born::DispatchOp>()) {
      Operation *yield = region.getBody().front().getTerminator();
      init = yield->getOperand(cast<OpResult>(init).getResultNumber());
    }
    auto fill = init.getDefiningOp<linalg::FillOp>();
    return fill && matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  }

  static bool isConvertible(linalg::Conv2DNchwFchwOp conv) {
    auto input = dyn_cast<RankedTensorType>(conv.getDpsInputs()[0].getType());
    auto filter = dyn_cast<RankedTensorType>(conv.getDpsInputs()[1].getType());
    auto output = dyn_cast<RankedTensorType>(conv.getDpsInits()[0].getType());
    if (!input || !filter || !output || !input.hasStaticShape() ||
        !filter.hasStaticShape() || !output.hasStaticShape())
      return false;
    Type element = output.getElementType();
    if (!isa<FloatType>(element) || input.getElementType() != element ||
        filter.getElementType() != element)
      return false;
    return inputDefinedOutsideRegion(conv);
  }

  void convert(IRRewriter &rewriter, linalg::Conv2DNchwFchwOp conv) {
    MLIRContext *ctx = &getContext();
    Location loc = conv.getLoc();
    Value input = conv.getDpsInputs()[0], filter = conv.getDpsInputs()[1];
    Value init = conv.getDpsInits()[0];
    auto outputType = cast<RankedTensorType>(init.getType());
    Type element = outputType.getElementType();
    ArrayRef<int64_t> f = cast<RankedTensorType>(filter.getType()).getShape();
    ArrayRef<int64_t> out = outputType.getShape();
    int64_t n = out[0], filters = out[1], ow = out[3];
    int64_t c = f[1], kh = f[2], kw = f[3];
    int64_t k = c * kh * kw, pixels = out[2] * ow;
    // The panel is as wide as the register block tile-and-vectorize gives
    // the pixel dimension, so each block's reduction streams one panel.
    int64_t width = born::blockWidth(pixels, tileCols, vectorWidth);
    // Few pixels (7x7 = 49: blocks 7 wide, under half a vector) are padded
    // to whole vectors when that wastes less; the padding computes zeros
    // that are sliced off. The result then no longer fuses with consumers.
    int64_t paddedPixels = pixels;
    if (width < vectorWidth && isZeroFill(init)) {
      int64_t wide = pixels >= tileCols ? tileCols : vectorWidth;
      int64_t rounded = llvm::divideCeil(pixels, wide) * wide;
      double usedNow = double(width) / double(llvm::divideCeil(width, vectorWidth) * vectorWidth);
      if (double(pixels) / double(rounded) > usedNow + 0.1) {
        width = wide;
        paddedPixels = rounded;
      }
    }
    SmallVector<int64_t> strides = llvm::to_vector(
        conv.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations = llvm::to_vector(
        conv.getDilations().getValues<int64_t>());

    // Zero padding is read in place: a window element outside the input is
    // a zero, so the padded copy is not needed.
    int64_t padTop = 0, padLeft = 0;
    if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
      Value padValue = pad.getConstantPaddingValue();
      ArrayRef<int64_t> low = pad.getStaticLow();
      if (padValue && matchPattern(padValue, m_AnyZeroFloat()) &&
          low.size() == 4 && low[0] == 0 && low[1] == 0 &&
          !ShapedType::isDynamic(low[2]) && !ShapedType::isDynamic(low[3])) {
        padTop = low[2];
        padLeft = low[3];
        input = pad.getSource();
      }
    }
    ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();

    // A 1x1 convolution with unit strides and no padding reads its input
    // [N, C, H*W] as the columns, each panel's rows lying H*W apart.
    bool direct = kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1 &&
                  padTop == 0 && padLeft == 0 && in[2] == out[2] &&
                  in[3] == ow && paddedPixels == pixels;
    int64_t panels = paddedPixels / width;
    Value columns;
    if (direct) {
      rewriter.setInsertionPoint(conv);
      SmallVector<ReassociationIndices> pixelsOf = {{0}, {1}, {2, 3}};
      columns = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({n, c, panels, width}, element),
          tensor::CollapseShapeOp::create(
              rewriter, loc, RankedTensorType::get({n, c, pixels}, element),
              input, pixelsOf),
          pixelsOf);
    } else {
      // panels[n, pb, c, kh, kw, pi] = input[n, c, h, w] (0 outside it) with
      // h = oh*sh - padTop + kh*dh, w = ow*sw - padLeft + kw*dw for pixel
      // p = pb * width + pi = oh * OW + ow: panel pb of the im2col matrix
      // [K, P], its rows contiguous. Per-pixel window origins come from
      // constant tables, so the copy does no division.
      auto region = conv->getParentOfType<born::DispatchOp>();
      rewriter.setInsertionPoint(region ? region.getOperation()
                                        : conv.getOperation());
        SmallVector<int32_t> rowOrigin, colOrigin;
      for (int64_t p = 0; p < paddedPixels; ++p) {
        // Padding pixels start below the input's last row: always outside.
        bool real = p < pixels;
        rowOrigin.push_back(static_cast<int32_t>(
            real ? p / ow * strides[0] - padTop : in[2]));
        colOrigin.push_back(static_cast<int32_t>(
            real ? p % ow * strides[1] - padLeft : 0));
      }
      auto tableType = RankedTensorType::get({panels, width}, rewriter.getI32Type());
      auto table = [&](ArrayRef<int32_t> values) -> Value {
        return arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(tableType, values));
      };
      Value rows = table(rowOrigin), cols = table(colOrigin);
      SmallVector<int64_t> panelShape = {n, panels, c, kh, kw, width};
      Value empty = tensor::EmptyOp::create(rewriter, loc, panelShape, element);
      auto gather = [&](OpBuilder &b, Location l, ValueRange args) {
        auto i32 = [&](int64_t v) -> Value {
          return arith::ConstantIntOp::create(b, l, v, 32);
        };
        auto tap = [&](Value origin, int64_t dim, int64_t dilation) -> Value {
          Value index = arith::IndexCastOp::create(
              b, l, b.getI32Type(), linalg::IndexOp::create(b, l, dim));
          return arith::AddIOp::create(
              b, l, origin, arith::MulIOp::create(b, l, index, i32(dilation)));
        };
        Value h = tap(args[0], 3, dilations[0]);
        Value w = tap(args[1], 4, dilations[1]);
        // One unsigned compare per dim rejects both sides.
        Value inside = arith::AndIOp::create(
            b, l,
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, h, i32(in[2])),
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, w, i32(in[3])));
        auto clamp = [&](Value v) -> Value {
          return arith::IndexCastOp::create(
              b, l, b.getIndexType(),
              arith::SelectOp::create(b, l, inside, v, i32(0)));
        };
        Value value = tensor::ExtractOp::create(
            b, l, input,
            ValueRange{linalg::IndexOp::create(b, l, 0),
                       linalg::IndexOp::create(b, l, 2), clamp(h), clamp(w)});
        Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(element));
        linalg::YieldOp::create(
            b, l, arith::SelectOp::create(b, l, inside, value, zero).getResult());
      };
      AffineMap tableMap = AffineMap::get(6, 0, {getAffineDimExpr(1, ctx),
                                                 getAffineDimExpr(5, ctx)},
                                          ctx);
      Value packed =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{empty.getType()}, ValueRange{rows, cols},
              ValueRange{empty},
              SmallVector<AffineMap>{tableMap, tableMap,
                                     AffineMap::getMultiDimIdentityMap(6, ctx)},
              SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
              gather)
              .getResult(0);
      columns = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({n, panels, k, width}, element),
          packed, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}, {5}});
    }

    // out[n, f, pb, pi] += W[f, k] * panels[n, pb, k, pi]. Loops (n, pb, f,
    // pi, k): the register block is (filters x one panel), and the output
    // comes out NCHW.
    rewriter.setInsertionPoint(conv);
    Value weights = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({filters, k}, element), filter,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    auto panelOutType =
        RankedTensorType::get({n, filters, panels, width}, element);
    SmallVector<ReassociationIndices> splitPixels = {{0}, {1}, {2, 3}};
    auto paddedType =
        RankedTensorType::get({n, filters, paddedPixels}, element);
    // A fresh zero init rather than a view of the conv's: CSE shares one
    // fill between convolutions of one shape, which would then be a
    // buffer of its own, written and read again.
    Value panelInit;
    if (isZeroFill(init)) {
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getZeroAttr(element));
      panelInit =
          linalg::FillOp::create(
              rewriter, loc, zero,
              ValueRange{tensor::EmptyOp::create(
                  rewriter, loc, panelOutType.getShape(), element)})
              .getResult(0);
    } else {
      panelInit = tensor::ExpandShapeOp::create(
          rewriter, loc, panelOutType,
          tensor::CollapseShapeOp::create(rewriter, loc, paddedType, init,
                                          splitPixels),
          splitPixels);
    }
    AffineExpr dn, dpb, df, dpi, dk;
    bindDims(ctx, dn, dpb, df, dpi, dk);
    SmallVector<AffineMap> maps = {
        AffineMap::get(5, 0, {df, dk}, ctx),
        direct ? AffineMap::get(5, 0, {dn, dk, dpb, dpi}, ctx)
               : AffineMap::get(5, 0, {dn, dpb, dk, dpi}, ctx),
        AffineMap::get(5, 0, {dn, df, dpb, dpi}, ctx)};
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value product =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{panelOutType},
            ValueRange{weights, columns}, ValueRange{panelInit}, maps,
            iterators,
            [](OpBuilder &b, Location l, ValueRange args) {
              Value mul = arith::MulFOp::create(b, l, args[0], args[1]);
              linalg::YieldOp::create(b, l,
                                      arith::AddFOp::create(b, l, args[2], mul)
                                          .getResult());
            })
            .getResult(0);
    // [N, F, PB, w] -> [N, F, P] -> [N, F, OH, OW].
    Value flat = tensor::CollapseShapeOp::create(rewriter, loc, paddedType,
                                                 product, splitPixels);
    if (paddedPixels != pixels)
      flat = tensor::ExtractSliceOp::create(
          rewriter, loc, flat, getAsIndexOpFoldResult(ctx, {0, 0, 0}),
          getAsIndexOpFoldResult(ctx, {n, filters, pixels}),
          getAsIndexOpFoldResult(ctx, {1, 1, 1}));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(conv, outputType, flat,
                                                       splitPixels);
  }
};
} // namespace
