import os
import lit.formats
from lit.llvm import llvm_config

config.name = "Born"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.born_obj_root, "lit-tests")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["born-opt", "bornc"],
                                   [config.born_tools_dir])

# Execution tests: born -> linalg -> loops -> LLVM, then JIT-run `main`.
llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(("%lower-to-llvm", " ".join([
    "--born-convert-to-linalg",
    "--one-shot-bufferize=bufferize-function-boundaries",
    "--convert-linalg-to-loops",
    "--lower-affine",
    "--convert-scf-to-cf",
    "--expand-strided-metadata",
    "--finalize-memref-to-llvm",
    "--convert-math-to-llvm",
    "--convert-math-to-libm",
    "--convert-arith-to-llvm",
    "--convert-func-to-llvm",
    "--convert-cf-to-llvm",
    "--reconcile-unrealized-casts",
])))
config.substitutions.append(("%run-main", " ".join([
    "mlir-runner -e main -entry-point-result=void",
    "-shared-libs=" + ",".join(
        os.path.join(llvm_lib_dir, lib) for lib in
        ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"]),
])))
