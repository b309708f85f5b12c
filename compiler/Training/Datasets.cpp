//===- Datasets.cpp - IDX files and Fashion-MNIST -------------------------===//

#include "compiler/Training/Datasets.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <zlib.h>

namespace born {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The whole file, gunzipped if it is gzip (zlib reads plain files as is).
static llvm::Expected<std::vector<uint8_t>>
readMaybeGzip(llvm::StringRef path) {
  if (!llvm::sys::fs::exists(path))
    return makeError(path + ": no such file");
  gzFile file = gzopen(path.str().c_str(), "rb");
  if (!file)
    return makeError(path + ": cannot open");
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  int n;
  while ((n = gzread(file, chunk, sizeof(chunk))) > 0)
    bytes.insert(bytes.end(), chunk, chunk + n);
  // A stream cut short ends in 0 bytes read with the error set.
  int code = Z_OK;
  std::string why = gzerror(file, &code);
  gzclose(file);
  if (n < 0 || (code != Z_OK && code != Z_STREAM_END))
    return makeError(path + ": corrupt gzip data (" + why + ")");
  return bytes;
}

llvm::Expected<IdxArray> readIdx(llvm::StringRef path) {
  llvm::Expected<std::vector<uint8_t>> bytes = readMaybeGzip(path);
  if (!bytes)
    return bytes.takeError();
  const std::vector<uint8_t> &b = *bytes;
  // Magic: two zero bytes, the element type, the number of dims; then each
  // dim as a big-endian u32.
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    return makeError(path + ": not an IDX file (expected the magic bytes "
                            "00 00 TYPE RANK)");
  if (b[2] != 0x08)
    return makeError(path + ": IDX element type 0x" + llvm::utohexstr(b[2]) +
                     ", expected 0x08 (unsigned bytes)");
  size_t rank = b[3];
  if (rank == 0 || b.size() < 4 + 4 * rank)
    return makeError(path + ": truncated IDX header (rank " +
                     llvm::Twine(rank) + ", " + llvm::Twine(b.size()) +
                     " bytes)");
  IdxArray array;
  uint64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    const uint8_t *d = &b[4 + 4 * i];
    int64_t dim = (int64_t(d[0]) << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    array.dims.push_back(dim);
    count *= dim;
  }
  size_t offset = 4 + 4 * rank;
  if (b.size() - offset != count)
    return makeError(path + ": the header promises " + llvm::Twine(count) +
                     " values, the file holds " +
                     llvm::Twine(b.size() - offset));
  array.values.assign(b.begin() + offset, b.end());
  return array;
}

llvm::Expected<ImageDataset> loadMnistSplit(llvm::StringRef dir,
                                            llvm::StringRef split) {
  auto file = [&](llvm::StringRef kind) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, split + "-" + kind + ".gz");
    return path.str().str();
  };
  std::string imagesPath = file("images-idx3-ubyte");
  std::string labelsPath = file("labels-idx1-ubyte");
  for (const std::string &path : {imagesPath, labelsPath})
    if (!llvm::sys::fs::exists(path))
      return makeError(path + ": no such file (Fashion-MNIST: apt-get install "
                              "dataset-fashion-mnist, then --data "
                              "/usr/share/datasets/fashion-mnist)");
  llvm::Expected<IdxArray> images = readIdx(imagesPath);
  if (!images)
    return images.takeError();
  llvm::Expected<IdxArray> labels = readIdx(labelsPath);
  if (!labels)
    return labels.takeError();
  if (images->dims.size() != 3)
    return makeError(imagesPath +
                     ": expected images [count, rows, cols], "
                     "got " +
                     llvm::Twine(images->dims.size()) + " dims");
  if (labels->dims.size() != 1 || labels->dims[0] != images->dims[0])
    return makeError(labelsPath + ": expected " + llvm::Twine(images->dims[0]) +
                     " labels (one per image in " + imagesPath + ")");
  ImageDataset data;
  data.count = images->dims[0];
  data.height = images->dims[1];
  data.width = images->dims[2];
  data.images.reserve(images->values.size());
  for (uint8_t v : images->values)
    data.images.push_back(v / 255.0f);
  data.labels.assign(labels->values.begin(), labels->values.end());
  return data;
}

} // namespace born
