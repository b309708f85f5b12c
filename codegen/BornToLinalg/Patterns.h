#ifndef BORN_CODEGEN_BORNTOLINALG_PATTERNS_H
#define BORN_CODEGEN_BORNTOLINALG_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace born {

// Conversion patterns from born ops to linalg/tensor/arith/math, one set per
// op family. They run under a dialect conversion: no type changes, operands
// are taken from the adaptor.
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateContractionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateQuantizedMatmulToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateConvolutionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateShapeToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// All of the above.
void populateBornToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace born

#endif
