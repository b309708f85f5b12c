// born-gguf: prints a GGUF file's metadata and tensors (like gguf-dump), and
// with --tensor-stats each tensor's value range, decoded by Born's
// dequantizers.
#include "compiler/GGUF/GGUF.h"
#include "compiler/GGUF/Quants.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace llvm;
using namespace born;

namespace {
cl::OptionCategory category("born-gguf options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.gguf>"),
                               cl::Required, cl::cat(category));
cl::opt<bool> full("full",
                   cl::desc("Print whole arrays and strings (default: the "
                            "first 8 elements, 80 characters)"),
                   cl::cat(category));
cl::opt<bool> stats("tensor-stats",
                    cl::desc("Decode every tensor; print min, max, mean and "
                             "RMS"),
                    cl::cat(category));

constexpr size_t kShortArray = 8;
constexpr size_t kShortString = 80;

void printValue(raw_ostream &os, const GGUFValue &v) {
  switch (v.type) {
  case GGUFValueType::String: {
    StringRef s = v.str;
    bool cut = !full && s.size() > kShortString;
    os << '"';
    printEscapedString(cut ? s.take_front(kShortString) : s, os);
    os << (cut ? "\"..." : "\"");
    return;
  }
  case GGUFValueType::Array: {
    os << '[';
    size_t shown =
        full ? v.elements.size() : std::min(v.elements.size(), kShortArray);
    for (size_t n = 0; n < shown; ++n) {
      if (n)
        os << ", ";
      printValue(os, v.elements[n]);
    }
    if (shown < v.elements.size())
      os << ", ... (" << v.elements.size() - shown << " more)";
    os << ']';
    return;
  }
  case GGUFValueType::Bool: os << (v.u ? "true" : "false"); return;
  case GGUFValueType::Float32:
  case GGUFValueType::Float64: os << format("%g", v.f); return;
  default:
    if (v.isSigned())
      os << v.i;
    else
      os << v.u;
  }
}

std::string typeName(const GGUFValue &v) {
  if (v.type != GGUFValueType::Array)
    return ggufValueTypeName(v.type).str();
  return ("array[" + ggufValueTypeName(v.elementType) + "; " +
          Twine(v.elements.size()) + "]")
      .str();
}

std::string dimsString(const GGUFTensorInfo &t) {
  std::string s;
  for (size_t d = 0; d < t.dims.size(); ++d)
    s += (d ? " x " : "") + std::to_string(t.dims[d]);
  return s;
}

int run() {
  Expected<GGUFFile> file = GGUFFile::open(inputPath);
  if (!file) {
    errs() << "born-gguf: " << toString(file.takeError()) << "\n";
    return 1;
  }
  raw_ostream &os = outs();
  os << file->path() << ": GGUF v" << file->version() << ", "
     << file->metadata().size() << " metadata keys, " << file->tensors().size()
     << " tensors, alignment " << file->alignment() << ", data at offset "
     << file->dataOffset() << "\n\nmetadata:\n";
  size_t keyWidth = 0;
  for (const auto &[key, value] : file->metadata().entries())
    keyWidth = std::max(keyWidth, key.size());
  for (const auto &[key, value] : file->metadata().entries()) {
    os << "  " << left_justify(key, keyWidth) << "  "
       << left_justify(typeName(value), 20) << " = ";
    printValue(os, value);
    os << "\n";
  }

  os << "\ntensors (dims innermost first):\n";
  size_t nameWidth = 4;
  for (const GGUFTensorInfo &t : file->tensors())
    nameWidth = std::max(nameWidth, t.name.size());
  os << "  " << left_justify("name", nameWidth) << "  type  "
     << left_justify("dims", 22) << right_justify("offset", 12)
     << right_justify("bytes", 12);
  if (stats)
    os << "  min, max, mean, rms";
  os << "\n";
  uint64_t totalBytes = 0;
  for (const GGUFTensorInfo &t : file->tensors()) {
    std::optional<GGMLTypeTraits> traits =
        ggmlTypeTraits(static_cast<uint32_t>(t.type));
    os << "  " << left_justify(t.name, nameWidth) << "  "
       << left_justify(traits->name, 4) << "  "
       << left_justify(dimsString(t), 22) << right_justify(utostr(t.offset), 12)
       << right_justify(utostr(t.byteSize), 12);
    totalBytes += t.byteSize;
    if (stats) {
      std::vector<float> values(t.numElements());
      if (Error e = dequantize(t.type, file->tensorData(t), values)) {
        errs() << "born-gguf: tensor '" << t.name
               << "': " << toString(std::move(e)) << "\n";
        return 1;
      }
      double lo = INFINITY, hi = -INFINITY, sum = 0, sumSquares = 0;
      for (float v : values) {
        lo = std::min<double>(lo, v);
        hi = std::max<double>(hi, v);
        sum += v;
        sumSquares += double(v) * v;
      }
      size_t n = std::max<size_t>(values.size(), 1);
      os << format("  %.4g, %.4g, %.4g, %.4g", lo, hi, sum / n,
                   std::sqrt(sumSquares / n));
    }
    os << "\n";
  }
  os << "  total: " << totalBytes << " bytes of tensor data\n";
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "born-gguf: print a GGUF file's metadata and "
                              "tensors\n");
  return run();
}
