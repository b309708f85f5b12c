#include "llm/unicode.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace born::llm {

CharClass charClass(uint32_t cp) {
  using detail::kClassRuns;
  using detail::kNumClassRuns;
  if (cp > 0x10FFFF)
    return CharClass::Unassigned;
  // The last run starting at or before cp.
  const detail::ClassRun *run = std::upper_bound(
      kClassRuns, kClassRuns + kNumClassRuns, cp,
      [](uint32_t value, const detail::ClassRun &r) { return value < r.first; });
  return (run - 1)->cls;
}

bool isWhitespace(uint32_t cp) {
  // PropList.txt's White_Space; Python's unicodedata does not expose it and
  // str.isspace() differs (it counts U+001C..U+001F).
  switch (cp) {
  case 0x0009: case 0x000A: case 0x000B: case 0x000C: case 0x000D:
  case 0x0020: case 0x0085: case 0x00A0: case 0x1680:
  case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
    return true;
  default:
    return cp >= 0x2000 && cp <= 0x200A;
  }
}

uint32_t toLower(uint32_t cp) {
  using detail::kLowercase;
  const detail::CodePointPair *end = kLowercase + detail::kNumLowercase;
  const detail::CodePointPair *it = std::lower_bound(
      kLowercase, end, cp,
      [](const detail::CodePointPair &p, uint32_t value) { return p.from < value; });
  return it != end && it->from == cp ? it->to : cp;
}

uint32_t nfdBase(uint32_t cp) {
  using detail::kNfdFirst;
  const detail::NfdRange *end = kNfdFirst + detail::kNumNfdFirst;
  const detail::NfdRange *it = std::upper_bound(
      kNfdFirst, end, cp,
      [](uint32_t value, const detail::NfdRange &r) { return value < r.first; });
  if (it == kNfdFirst)
    return cp;
  --it;
  return cp <= it->last ? it->base : cp;
}

const char *unicodeVersion() { return detail::kUnicodeVersion; }

size_t utf8SequenceLength(uint8_t lead) {
  static const uint8_t lengths[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return lengths[lead >> 4];
}

std::vector<uint32_t> decodeUtf8(const std::string &text) {
  std::vector<uint32_t> out;
  out.reserve(text.size());
  const auto *s = reinterpret_cast<const uint8_t *>(text.data());
  const size_t n = text.size();
  auto continuation = [&](size_t i) { return i < n && (s[i] & 0xC0) == 0x80; };
  size_t i = 0;
  while (i < n) {
    const uint8_t b = s[i];
    if (b < 0x80) {
      out.push_back(b);
      i += 1;
    } else if ((b & 0xE0) == 0xC0 && continuation(i + 1)) {
      out.push_back(((b & 0x1F) << 6) | (s[i + 1] & 0x3F));
      i += 2;
    } else if ((b & 0xF0) == 0xE0 && continuation(i + 1) && continuation(i + 2)) {
      out.push_back(((b & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F));
      i += 3;
    } else if ((b & 0xF8) == 0xF0 && continuation(i + 1) && continuation(i + 2) &&
               continuation(i + 3)) {
      out.push_back(((b & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) |
                    ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F));
      i += 4;
    } else {
      out.push_back(0xFFFD);
      i += 1;
    }
  }
  return out;
}

void appendUtf8(uint32_t cp, std::string &out) {
  if (cp <= 0x7F) {
    out += char(cp);
  } else if (cp <= 0x7FF) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp <= 0xFFFF) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp <= 0x10FFFF) {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    appendUtf8(0xFFFD, out);
  }
}

namespace {
// GPT-2 keeps the printable Latin-1 bytes as themselves and moves the others
// (controls, space, U+007F..U+00A0, U+00AD) to U+0100 and up, in byte order.
struct ByteAlphabet {
  std::array<std::string, 256> encode;
  std::unordered_map<std::string, uint8_t> decode;

  ByteAlphabet() {
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) ||
                             (b >= 0xAE && b <= 0xFF);
      appendUtf8(printable ? uint32_t(b) : next++, encode[b]);
      decode.emplace(encode[b], uint8_t(b));
    }
  }
};

const ByteAlphabet &byteAlphabet() {
  static const ByteAlphabet alphabet;
  return alphabet;
}
} // namespace

const std::string &byteToUnicode(uint8_t byte) { return byteAlphabet().encode[byte]; }

int unicodeToByte(const std::string &utf8) {
  const auto &decode = byteAlphabet().decode;
  auto it = decode.find(utf8);
  return it == decode.end() ? -1 : it->second;
}

} // namespace born::llm
