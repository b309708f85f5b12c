#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Born, and runs an example.
#   scripts/setup.sh            (BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

packages=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  cmake ninja-build g++
  spirv-tools libvulkan-dev mesa-vulkan-drivers vulkan-tools glslang-tools
  libgtest-dev libgmock-dev xz-utils vulkan-validationlayers libopenblas-dev
  python3-numpy python3-torch python3-torchvision python3-onnx libonnx-dev
  protobuf-compiler libprotobuf-dev zlib1g-dev dataset-fashion-mnist
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DLLVM_USE_LINKER=lld \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
ninja -C "$BUILD_DIR" -j"${JOBS:-$(nproc)}"

# llama.cpp's prebuilt ggml (npm, ~10 MB): the independent reference the
# GGUF tests check the block formats and the GGUF writer against.
ggml_lib="$BUILD_DIR/llama-cpp/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libggml-base.so"
if [ ! -f "$ggml_lib" ]; then
  npm install --no-save --no-package-lock --no-audit --no-fund \
    --prefix "$BUILD_DIR/llama-cpp" @node-llama-cpp/linux-x64@3.22.1
fi

# A first model: the MLP example builds a graph with the C++ API, compiles
# it in process, runs it, and writes a standalone executable.
"$BUILD_DIR/examples/mlp" --emit-exe "$BUILD_DIR/examples/mlp-model"
"$BUILD_DIR/examples/mlp-model" --help
echo "setup: built Born in $BUILD_DIR"
