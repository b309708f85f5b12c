//===- Datasets.h - IDX files and Fashion-MNIST ----------------*- C++ -*-===//
//
// Our own reader of the IDX format (MNIST, Fashion-MNIST), gzipped or not,
// with errors that name the file and what was expected.
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_TRAINING_DATASETS_H
#define BORN_COMPILER_TRAINING_DATASETS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace born {

/// An IDX array of unsigned bytes (type code 0x08): its dims and values.
struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> values;
};

/// Reads an IDX file of unsigned bytes; a gzip file (by its magic bytes) is
/// decompressed with zlib.
llvm::Expected<IdxArray> readIdx(llvm::StringRef path);

/// Images as floats in [0, 1], NCHW with one channel, and their labels.
struct ImageDataset {
  int64_t count = 0, height = 0, width = 0;
  std::vector<float> images; // count * height * width
  std::vector<int64_t> labels;
};

/// Loads the `split` ("train" or "t10k") of MNIST-style data from `dir`:
/// SPLIT-images-idx3-ubyte.gz and SPLIT-labels-idx1-ubyte.gz (Debian's
/// dataset-fashion-mnist installs them in /usr/share/datasets/fashion-mnist).
llvm::Expected<ImageDataset> loadMnistSplit(llvm::StringRef dir,
                                            llvm::StringRef split);

} // namespace born

#endif
