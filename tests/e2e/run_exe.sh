#!/usr/bin/env bash
# Compiles a born-dialect model to an executable, runs it on an input and
# compares the output with a reference.
# Usage: run_exe.sh BORNC MODEL.mlir WEIGHTS INPUT.npy REF.npy WORK_DIR [bornc flags...] -- [exe flags...]
set -euo pipefail
bornc=$1 model=$2 weights=$3 input=$4 ref=$5 work=$6
shift 6
bornc_flags=() exe_flags=()
while (($#)) && [ "$1" != "--" ]; do bornc_flags+=("$1"); shift; done
(($#)) && shift
exe_flags=("$@")
rm -rf "$work" && mkdir -p "$work"
"$bornc" -q "$model" --weights "$weights" -o "$work/model" "${bornc_flags[@]}"
# The runtime dlopens the Vulkan loader: executables must not need it to start.
if ldd "$work/model" | grep libvulkan; then
  echo "error: $work/model needs libvulkan" >&2
  exit 1
fi
"$work/model" "$input" --out "$work/out" "${exe_flags[@]}"
/usr/bin/python3 "$(dirname "$0")/compare.py" "$work/out/output_0.npy" "$ref"
