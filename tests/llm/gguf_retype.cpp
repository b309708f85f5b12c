// gguf_retype IN OUT TYPE: copies a GGUF file, re-encoding every 2-D F32
// tensor as TYPE (f16, bf16, q8_0, ...), so that tests can run the same model
// with other weight encodings.
#include "compiler/GGUF/GGUF.h"
#include "compiler/GGUF/GGUFWriter.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace born;

int main(int argc, char **argv) {
  auto fail = [](const std::string &message) {
    std::fprintf(stderr, "gguf_retype: %s\n", message.c_str());
    return 1;
  };
  if (argc != 4)
    return fail("usage: gguf_retype IN OUT TYPE");
  std::optional<GGMLType> type;
  for (uint32_t id = 0; id < 64 && !type; ++id)
    if (std::optional<GGMLTypeTraits> traits = ggmlTypeTraits(id))
      if (traits->name.equals_insensitive(argv[3]))
        type = traits->type;
  if (!type)
    return fail(std::string("unknown type ") + argv[3]);
  llvm::Expected<GGUFFile> file = GGUFFile::open(argv[1]);
  if (!file)
    return fail(llvm::toString(file.takeError()));
  GGUFWriter writer;
  for (const auto &[key, value] : file->metadata().entries())
    if (llvm::Error err = writer.set(key, value))
      return fail(llvm::toString(std::move(err)));
  for (const GGUFTensorInfo &t : file->tensors()) {
    llvm::ArrayRef<uint8_t> bytes = file->tensorData(t);
    llvm::Error err = llvm::Error::success();
    if (t.type == GGMLType::F32 && t.dims.size() == 2) {
      std::vector<float> values(bytes.size() / sizeof(float));
      std::memcpy(values.data(), bytes.data(), bytes.size());
      err = writer.addTensorFromFloats(t.name, t.dims, *type, values);
    } else {
      err = writer.addTensor(t.name, t.dims, t.type, bytes);
    }
    if (err)
      return fail(llvm::toString(std::move(err)));
  }
  if (llvm::Error err = writer.write(argv[2], /*overwrite=*/true))
    return fail(llvm::toString(std::move(err)));
  return 0;
}
