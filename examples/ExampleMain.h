// The part of the examples that is the same for every model: flags, weights,
// input, compiling in process, running, printing and writing outputs.
#ifndef BORN_EXAMPLES_EXAMPLEMAIN_H
#define BORN_EXAMPLES_EXAMPLEMAIN_H

#include "compiler/API/Graph.h"

namespace born::examples {
/// Runs the example program for `graph`, whose only input is f32 and whose
/// first output holds one row of class scores per example:
///   --weights FILE.safetensors   weights (default: pseudo-random, seed 0)
///   --input X.npy                input (default: pseudo-random, seed 1)
///   --output OUT.npy             write the first output
///   --emit-exe PATH / --emit-obj PATH.o   also write an executable / object
///   --print-ir                   print the graph's born IR
///   --threads N                  CPU threads (default: all)
/// Returns the process exit code.
int runExample(int argc, char **argv, Graph &graph);
} // namespace born::examples

#endif
