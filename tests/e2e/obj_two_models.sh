#!/usr/bin/env bash
# Compiles the MLP and the CNN with --emit=obj under two prefixes, links both
# into one plain C program through the generated headers, runs it and checks
# the outputs against PyTorch.
# Usage: obj_two_models.sh BORNC RUNTIME_LIB RUNTIME_INCLUDE SRC_DIR REF_DIR WORK_DIR
set -euo pipefail
bornc=$1 runtime_lib=$2 runtime_include=$3 src=$4 ref=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
"$bornc" -q "$src/mlp.mlir" --weights "$ref/mlp.safetensors" --emit=obj --prefix mlp -o "$work/mlp.o"
"$bornc" -q "$src/cnn.mlir" --weights "$ref/cnn.safetensors" --emit=obj --prefix cnn -o "$work/cnn.o"
test -f "$work/mlp.h" && test -f "$work/cnn.h"
cc -std=c11 -Wall -Werror -I"$work" -I"$runtime_include" -c "$src/two_models.c" -o "$work/two_models.o"
c++ -o "$work/two_models" "$work/two_models.o" "$work/mlp.o" "$work/cnn.o" \
  "$runtime_lib" -lm -lpthread -ldl
"$work/two_models" "$ref/mlp_input.npy" "$ref/cnn_input.npy" "$work"
/usr/bin/python3 "$src/compare.py" "$work/mlp_output.npy" "$ref/mlp_ref.npy" \
  "$work/cnn_output.npy" "$ref/cnn_ref.npy"
