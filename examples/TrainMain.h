// The part of the training examples that is the same for every model:
// flags, Fashion-MNIST, the training loop with its progress bar, evaluation,
// checkpoints and the inference executable.
#ifndef BORN_EXAMPLES_TRAINMAIN_H
#define BORN_EXAMPLES_TRAINMAIN_H

#include "compiler/Training/Training.h"

namespace born::examples {
/// Trains `model` (input: a batch of images shaped [batch] + `sampleShape`,
/// output: logits [batch, 10]) on Fashion-MNIST with cross-entropy; `--help`
/// lists the flags; `lr` is the default of --lr. Returns the process exit
/// code.
int runTraining(int argc, char **argv, llvm::StringRef name,
                const ModelFn &model, llvm::ArrayRef<int64_t> sampleShape,
                double lr = 1e-3);
} // namespace born::examples

#endif
