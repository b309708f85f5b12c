#include "compiler/Weights/Weights.h"

#include "dialects/born/IR/BornOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

namespace born {

void WeightSet::addCopy(StringRef name, StringRef dtype,
                        ArrayRef<int64_t> shape, ArrayRef<uint8_t> bytes) {
  ownedBytes.emplace_back(bytes.begin(), bytes.end());
  tensors[name] = TensorData{dtype.str(), SmallVector<int64_t>(shape),
                             ArrayRef<uint8_t>(ownedBytes.back())};
}

static int64_t safeTensorsDTypeSize(StringRef dtype) {
  return StringSwitch<int64_t>(dtype)
      .Cases({"F64", "I64", "U64"}, 8)
      .Cases({"F32", "I32", "U32"}, 4)
      .Cases({"F16", "BF16", "I16", "U16"}, 2)
      .Cases({"I8", "U8", "BOOL"}, 1)
      .Default(0);
}

std::string safeTensorsDType(mlir::Type t) {
  if (t.isF32())
    return "F32";
  if (t.isF16())
    return "F16";
  if (t.isBF16())
    return "BF16";
  if (t.isF64())
    return "F64";
  if (t.isInteger(64))
    return "I64";
  if (t.isInteger(32))
    return "I32";
  if (t.isInteger(16))
    return "I16";
  if (t.isInteger(8))
    return "I8";
  if (t.isInteger(1))
    return "BOOL";
  return "";
}

Error loadSafeTensors(StringRef path, WeightSet &set) {
  auto fail = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(),
                             path + ": " + msg);
  };
  auto file = MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
  if (!file)
    return fail("cannot read SafeTensors file: " + file.getError().message());
  StringRef data = (*file)->getBuffer();
  if (data.size() < 8)
    return fail("not a SafeTensors file: shorter than its 8-byte header size");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | static_cast<uint8_t>(data[i]);
  if (headerSize > data.size() - 8)
    return fail("header size " + Twine(headerSize) + " exceeds the file size " +
                Twine(data.size()));
  StringRef header = data.substr(8, headerSize);
  ArrayRef<uint8_t> payload(
      reinterpret_cast<const uint8_t *>(data.data()) + 8 + headerSize,
      data.size() - 8 - headerSize);

  Expected<json::Value> parsed = json::parse(header);
  if (!parsed)
    return fail("malformed JSON header: " + toString(parsed.takeError()));
  json::Object *root = parsed->getAsObject();
  if (!root)
    return fail("JSON header is not an object");
  for (auto &[key, value] : *root) {
    if (key == "__metadata__")
      continue;
    std::string name = key.str();
    json::Object *info = value.getAsObject();
    if (!info)
      return fail("tensor '" + name + "': entry is not an object");
    std::optional<StringRef> dtype = info->getString("dtype");
    json::Array *shape = info->getArray("shape");
    json::Array *offsets = info->getArray("data_offsets");
    if (!dtype || !shape || !offsets || offsets->size() != 2)
      return fail("tensor '" + name +
                  "': expected dtype, shape and two data_offsets");
    int64_t elementSize = safeTensorsDTypeSize(*dtype);
    if (!elementSize)
      return fail("tensor '" + name + "': unsupported dtype " + *dtype);
    TensorData tensor;
    tensor.dtype = dtype->str();
    uint64_t count = 1;
    for (const json::Value &d : *shape) {
      std::optional<int64_t> dim = d.getAsInteger();
      if (!dim || *dim < 0 || (*dim && count > (UINT64_MAX >> 8) / *dim))
        return fail("tensor '" + name + "': bad shape entry");
      tensor.shape.push_back(*dim);
      count *= *dim;
    }
    std::optional<int64_t> begin = (*offsets)[0].getAsInteger(),
                           end = (*offsets)[1].getAsInteger();
    if (!begin || !end || *begin < 0 || *end < *begin ||
        static_cast<uint64_t>(*end) > payload.size())
      return fail("tensor '" + name + "': data_offsets outside the file's " +
                  Twine(payload.size()) + " data bytes");
    if (static_cast<uint64_t>(*end - *begin) != count * elementSize)
      return fail("tensor '" + name + "': data_offsets span " +
                  Twine(*end - *begin) + " bytes, shape and dtype need " +
                  Twine(count * elementSize));
    tensor.bytes = payload.slice(*begin, *end - *begin);
    set.tensors[name] = std::move(tensor);
  }
  set.files.push_back(std::move(*file));
  return Error::success();
}


/// Whether each dim of `stored` is the product of consecutive dims of
/// `expanded`, in order (so both view the same row-major bytes).
static bool isSplitOf(ArrayRef<int64_t> expanded, ArrayRef<int64_t> stored) {
  size_t e = 0;
  for (int64_t dim : stored) {
    int64_t product = 1;
    while (e < expanded.size() && product < dim)
      product *= expanded[e++];
    if (product != dim)
      return false;
  }
  return e == expanded.size();
}

/// Appends `bytes` (a row-major tensor of shape `stored`) with its dimensions
/// permuted: result.shape[i] = stored[perm[i]].
static void appendPermuted(ArrayRef<uint8_t> bytes, ArrayRef<int64_t> stored,
                           ArrayRef<int64_t> perm, int64_t elementSize,
                           std::vector<uint8_t> &out) {
  size_t rank = stored.size();
  SmallVector<int64_t> storedStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    storedStrides[d] = storedStrides[d + 1] * stored[d + 1];
  SmallVector<int64_t> shape, strides; // iteration order = result order
  for (int64_t p : perm) {
    shape.push_back(stored[p]);
    strides.push_back(storedStrides[p]);
  }
  SmallVector<int64_t> index(rank, 0);
  uint64_t count = bytes.size() / elementSize;
  for (uint64_t n = 0; n < count; ++n) {
    int64_t source = 0;
    for (size_t d = 0; d < rank; ++d)
      source += index[d] * strides[d];
    const uint8_t *element = bytes.data() + source * elementSize;
    out.insert(out.end(), element, element + elementSize);
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == shape[d]; --d)
      index[d] = 0;
  }
}

Error appendToBlob(WeightsBlob &blob, StringRef name, ArrayRef<uint8_t> bytes) {
  if (blob.offsets.count(name))
    return createStringError(inconvertibleErrorCode(),
                             "'" + name + "' is in the weights blob twice");
  uint64_t offset = alignTo(blob.bytes.size(), WeightsBlob::kAlignment);
  blob.bytes.resize(offset);
  blob.bytes.insert(blob.bytes.end(), bytes.begin(), bytes.end());
  blob.offsets[name] = blob.tailOffset + offset;
  return Error::success();
}

Expected<WeightsBlob> buildWeightsBlob(ArrayRef<ParamSpec> params,
                                       const WeightSet &set, StringRef origin,
                                       ArrayRef<uint8_t> inPlace) {
  WeightsBlob blob;
  if (!inPlace.empty())
    blob.tailOffset = alignTo(inPlace.size(), WeightsBlob::kTailAlignment);
  auto inFile = [&](ArrayRef<uint8_t> bytes) {
    return !inPlace.empty() && bytes.data() >= inPlace.data() &&
           bytes.data() + bytes.size() <= inPlace.data() + inPlace.size();
  };
  for (const ParamSpec &param : params) {
    auto fail = [&](const Twine &msg) {
      return createStringError(inconvertibleErrorCode(),
                               "parameter '" + param.sourceName() + "': " +
                                   msg);
    };
    auto it = set.tensors.find(param.sourceName());
    if (it == set.tensors.end())
      return fail(origin.empty()
                      ? Twine("no weights were given (pass --weights "
                              "FILE.safetensors)")
                      : "not found in " + origin);
    const TensorData &data = it->second;
    std::string dtype = safeTensorsDType(param.elementType);
    if (data.dtype != dtype)
      return fail("the IR expects " + dtype + ", " + origin + " has " +
                  data.dtype);
    // The shape the layout's permutation applies to, and whether the stored
    // tensor has it.
    SmallVector<int64_t> expanded(param.shape);
    for (auto [i, p] : llvm::enumerate(param.permutation))
      expanded[p] = param.shape[i];
    if (!param.expandedShape.empty()) {
      expanded.assign(param.expandedShape);
      if (!isSplitOf(expanded, data.shape))
        return fail("the IR reads it as " + shapeString(expanded) +
                    " (its dims split), " + origin + " has " +
                    shapeString(data.shape));
    } else if (ArrayRef<int64_t>(data.shape) != ArrayRef<int64_t>(expanded)) {
      return fail("the IR expects shape " + shapeString(expanded) + ", " +
                  origin + " has " + shapeString(data.shape));
    }
    if (param.permutation.empty() && inFile(data.bytes)) {
      if (!blob.offsets.try_emplace(param.name, data.bytes.data() - inPlace.data())
               .second)
        return fail("in the weights blob twice");
      continue;
    }
    if (param.permutation.empty()) {
      if (Error err = appendToBlob(blob, param.name, data.bytes))
        return std::move(err);
      continue;
    }
    // A reshape of row-major bytes moves nothing: only the permutation does.
    std::vector<uint8_t> permuted;
    appendPermuted(data.bytes, expanded, param.permutation,
                   safeTensorsDTypeSize(data.dtype), permuted);
    if (Error err = appendToBlob(blob, param.name, permuted))
      return std::move(err);
  }
  return blob;
}
} // namespace born
