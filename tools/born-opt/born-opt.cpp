// born-opt: runs any born or upstream pass on textual IR, like mlir-opt.
#include "codegen/BornToLinalg/Passes.h"
#include "codegen/CPU/Passes.h"
#include "passes/Dispatch/Passes.h"
#include "passes/Transforms/Passes.h"
#include "codegen/Common/Passes.h"
#include "codegen/SPIRV/Passes.h"
#include "dialects/born/IR/BornDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  born::registerBornToLinalgPasses();
  born::registerBornTransformsPasses();
  born::registerBornDispatchPasses();
  born::registerBornCPUPasses();
  born::registerBornSPIRVCodegenPasses();
  born::registerBornCodegenCommonPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<born::BornDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Born optimizer driver\n", registry));
}
