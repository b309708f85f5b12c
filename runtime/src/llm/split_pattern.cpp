#include "llm/split_pattern.h"

#include "llm/unicode.h"

#include <cstring>

namespace born::llm {

namespace {

enum ClassBit : uint32_t {
  Letter = 1u << 0,
  Number = 1u << 1,
  Punctuation = 1u << 2,
  Symbol = 1u << 3,
  Mark = 1u << 4,
  Space = 1u << 5,
  NotSpace = 1u << 6,
  NotDigit = 1u << 7,
  NotWord = 1u << 8,
};

// The \p{..} class of a code point as llama.cpp sees it: it matches
// non-ASCII text by category and ASCII text through fixed ASCII lists, in
// which '~' is neither punctuation nor symbol. Whitespace is none of them.
uint32_t propertyOf(uint32_t cp) {
  if (isWhitespace(cp))
    return Space;
  if (cp < 128) {
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
      return Letter;
    if (cp >= '0' && cp <= '9')
      return Number;
    if (cp == '~' || cp < 0x21 || cp == 0x7F)
      return 0;
    if (std::strchr("$+<=>^`|", int(cp)))
      return Symbol;
    return Punctuation;
  }
  switch (charClass(cp)) {
  case CharClass::Letter: return Letter;
  case CharClass::Number: return Number;
  case CharClass::Punctuation: return Punctuation;
  case CharClass::Symbol: return Symbol;
  case CharClass::Mark: return Mark;
  default: return 0;
  }
}

bool isWordChar(uint32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
         cp == '_';
}

// A non-generic callable reference: continuations are called a lot and must
// not allocate.
class Continuation {
public:
  template <typename F>
  Continuation(const F &f)
      : object_(&f), call_([](const void *o, size_t p) { return (*static_cast<const F *>(o))(p); }) {}
  bool operator()(size_t pos) const { return call_(object_, pos); }

private:
  const void *object_;
  bool (*call_)(const void *, size_t);
};

} // namespace

// ---- Parsing ----

struct SplitPattern::Parser {
  SplitPattern &self;
  std::vector<uint32_t> p;
  size_t i = 0;
  std::string error;

  bool atEnd() const { return i >= p.size(); }
  bool fail(const std::string &message) {
    if (error.empty())
      error = message + " at code point " + std::to_string(i);
    return false;
  }
  int add(Node node) {
    self.nodes_.push_back(std::move(node));
    return int(self.nodes_.size()) - 1;
  }

  int parseAlternation() {
    Node alt;
    alt.kind = Kind::Alternation;
    for (;;) {
      int seq = parseSequence();
      if (seq < 0)
        return -1;
      alt.children.push_back(seq);
      if (atEnd() || p[i] != '|')
        break;
      ++i;
    }
    return alt.children.size() == 1 ? alt.children[0] : add(std::move(alt));
  }

  int parseSequence() {
    Node seq;
    seq.kind = Kind::Sequence;
    while (!atEnd() && p[i] != '|' && p[i] != ')') {
      int atom = parseAtom();
      if (atom < 0)
        return -1;
      atom = parseQuantifier(atom);
      if (atom < 0)
        return -1;
      seq.children.push_back(atom);
    }
    return add(std::move(seq));
  }

  bool parseNumber(int &value) {
    if (atEnd() || p[i] < '0' || p[i] > '9')
      return fail("expected a number in {}");
    value = 0;
    while (!atEnd() && p[i] >= '0' && p[i] <= '9')
      value = value * 10 + int(p[i++] - '0');
    return true;
  }

  int parseQuantifier(int atom) {
    if (atEnd())
      return atom;
    int min = 0, max = -1;
    switch (p[i]) {
    case '?': min = 0; max = 1; ++i; break;
    case '*': min = 0; max = -1; ++i; break;
    case '+': min = 1; max = -1; ++i; break;
    case '{':
      ++i;
      if (!parseNumber(min))
        return -1;
      max = min;
      if (!atEnd() && p[i] == ',') {
        ++i;
        max = -1;
        if (!atEnd() && p[i] != '}' && !parseNumber(max))
          return -1;
      }
      if (atEnd() || p[i] != '}')
        return fail("expected '}'"), -1;
      ++i;
      if (max >= 0 && max < min)
        return fail("bad repeat count"), -1;
      break;
    default:
      return atom;
    }
    if (!atEnd() && (p[i] == '?' || p[i] == '+'))
      return fail("lazy and possessive quantifiers are not supported"), -1;
    Node rep;
    rep.kind = Kind::Repeat;
    rep.children = {atom};
    rep.min = min;
    rep.max = max;
    return add(std::move(rep));
  }

  // An escape inside or outside a class; fills `node` (a Class).
  bool parseEscape(Node &node) {
    if (atEnd())
      return fail("pattern ends in '\\'");
    uint32_t c = p[i++];
    switch (c) {
    case 's': node.classes |= Space; return true;
    case 'S': node.classes |= NotSpace; return true;
    case 'd': node.ranges.push_back({'0', '9'}); return true;
    case 'D': node.classes |= NotDigit; return true;
    case 'w':
      node.ranges.insert(node.ranges.end(), {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}, {'_', '_'}});
      return true;
    case 'W': node.classes |= NotWord; return true;
    case 'r': node.ranges.push_back({'\r', '\r'}); return true;
    case 'n': node.ranges.push_back({'\n', '\n'}); return true;
    case 't': node.ranges.push_back({'\t', '\t'}); return true;
    case 'f': node.ranges.push_back({'\f', '\f'}); return true;
    case 'v': node.ranges.push_back({'\v', '\v'}); return true;
    case 'p': {
      std::string name;
      if (atEnd() || p[i] != '{')
        return fail("expected '{' after \\p");
      for (++i; !atEnd() && p[i] != '}'; ++i)
        name += char(p[i]);
      if (atEnd())
        return fail("unterminated \\p{");
      ++i;
      if (name == "L") node.classes |= Letter;
      else if (name == "N") node.classes |= Number;
      else if (name == "P") node.classes |= Punctuation;
      else if (name == "S") node.classes |= Symbol;
      else if (name == "M") node.classes |= Mark;
      else return fail("unsupported Unicode class \\p{" + name + "}");
      return true;
    }
    default:
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return fail(std::string("unsupported escape \\") + char(c));
      node.ranges.push_back({c, c}); // an escaped punctuation character
      return true;
    }
  }

  int parseClass() {
    Node node;
    node.kind = Kind::Class;
    if (!atEnd() && p[i] == '^') {
      node.negated = true;
      ++i;
    }
    bool first = true;
    while (!atEnd() && (p[i] != ']' || first)) {
      first = false;
      uint32_t lo;
      if (p[i] == '\\') {
        ++i;
        Node escaped;
        if (!parseEscape(escaped))
          return -1;
        // A single escaped character may start a range; a class may not.
        if (escaped.classes != 0 || escaped.ranges.size() != 1 ||
            escaped.ranges[0].first != escaped.ranges[0].second) {
          node.classes |= escaped.classes;
          node.ranges.insert(node.ranges.end(), escaped.ranges.begin(), escaped.ranges.end());
          continue;
        }
        lo = escaped.ranges[0].first;
      } else {
        lo = p[i++];
      }
      uint32_t hi = lo;
      if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
        ++i;
        if (p[i] == '\\') {
          ++i;
          Node escaped;
          if (!parseEscape(escaped))
            return -1;
          if (escaped.classes != 0 || escaped.ranges.size() != 1)
            return fail("a class cannot end a range"), -1;
          hi = escaped.ranges[0].first;
        } else {
          hi = p[i++];
        }
        if (hi < lo)
          return fail("reversed range in class"), -1;
      }
      node.ranges.push_back({lo, hi});
    }
    if (atEnd())
      return fail("unterminated '['"), -1;
    ++i;
    return add(std::move(node));
  }

  int parseAtom() {
    uint32_t c = p[i];
    if (c == '(') {
      ++i;
      Kind kind = Kind::Sequence;
      if (!atEnd() && p[i] == '?') {
        if (i + 1 >= p.size())
          return fail("unterminated group"), -1;
        uint32_t k = p[i + 1];
        if (k == ':') kind = Kind::Sequence;
        else if (k == '=') kind = Kind::LookAhead;
        else if (k == '!') kind = Kind::NegativeLookAhead;
        else return fail("unsupported group (?" + std::string(1, char(k))), -1;
        i += 2;
      }
      int inner = parseAlternation();
      if (inner < 0)
        return -1;
      if (atEnd() || p[i] != ')')
        return fail("expected ')'"), -1;
      ++i;
      if (kind == Kind::Sequence)
        return inner;
      Node look;
      look.kind = kind;
      look.children = {inner};
      return add(std::move(look));
    }
    if (c == '[') {
      ++i;
      return parseClass();
    }
    if (c == '$') {
      ++i;
      Node end;
      end.kind = Kind::End;
      return add(std::move(end));
    }
    if (c == '^' || c == '*' || c == '+' || c == '?' || c == '{' || c == ')')
      return fail(std::string("unexpected '") + char(c) + "'"), -1;
    Node node;
    node.kind = Kind::Class;
    ++i;
    if (c == '\\') {
      if (!parseEscape(node))
        return -1;
    } else if (c == '.') {
      // ECMAScript: anything but a line terminator.
      node.negated = true;
      node.ranges = {{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}};
    } else {
      node.ranges.push_back({c, c});
    }
    return add(std::move(node));
  }
};

bool SplitPattern::compile(const std::string &pattern, std::string *error) {
  pattern_ = pattern;
  nodes_.clear();
  Parser parser{*this, decodeUtf8(pattern), 0, std::string()};
  root_ = parser.parseAlternation();
  if (root_ >= 0 && !parser.atEnd())
    parser.fail("unbalanced ')'");
  if (!parser.error.empty()) {
    if (error)
      *error = "pre-tokenizer pattern '" + pattern + "': " + parser.error;
    root_ = -1;
    return false;
  }
  return true;
}

// ---- Matching ----

bool SplitPattern::classMatches(const Node &node, uint32_t cp) const {
  // llama.cpp hands std::regex non-ASCII whitespace as '\v', so literal
  // ranges see that instead.
  const uint32_t literal = cp >= 128 && isWhitespace(cp) ? 0x0B : cp;
  bool in = false;
  for (const auto &range : node.ranges)
    if (literal >= range.first && literal <= range.second) {
      in = true;
      break;
    }
  if (!in && node.classes) {
    const uint32_t props = propertyOf(cp);
    in = (node.classes & props) != 0 ||
         ((node.classes & NotSpace) && !(props & Space)) ||
         ((node.classes & NotDigit) && !(cp >= '0' && cp <= '9')) ||
         ((node.classes & NotWord) && !isWordChar(cp));
  }
  return in != node.negated;
}

struct SplitPattern::Matcher {
  const SplitPattern &self;
  const uint32_t *text;
  size_t end;

  bool match(int id, size_t pos, Continuation k) const {
    const Node &node = self.nodes_[id];
    switch (node.kind) {
    case Kind::Class:
      return pos < end && self.classMatches(node, text[pos]) && k(pos + 1);
    case Kind::Sequence:
      return matchSequence(node, 0, pos, k);
    case Kind::Alternation:
      for (int child : node.children)
        if (match(child, pos, k))
          return true;
      return false;
    case Kind::Repeat: {
      const Node &body = self.nodes_[node.children[0]];
      if (body.kind == Kind::Class) {
        // Greedy run of single characters: take the longest, then give back.
        size_t n = 0;
        while (pos + n < end && (node.max < 0 || n < size_t(node.max)) &&
               self.classMatches(body, text[pos + n]))
          ++n;
        for (size_t m = n + 1; m-- > size_t(node.min);)
          if (k(pos + m))
            return true;
        return false;
      }
      return matchRepeat(node, 0, pos, k);
    }
    case Kind::LookAhead:
    case Kind::NegativeLookAhead: {
      auto accept = [](size_t) { return true; };
      const bool found = match(node.children[0], pos, accept);
      return found == (node.kind == Kind::LookAhead) && k(pos);
    }
    case Kind::End:
      return pos == end && k(pos);
    }
    return false;
  }

  bool matchSequence(const Node &seq, size_t index, size_t pos, Continuation k) const {
    if (index == seq.children.size())
      return k(pos);
    auto rest = [&](size_t next) { return matchSequence(seq, index + 1, next, k); };
    return match(seq.children[index], pos, rest);
  }

  bool matchRepeat(const Node &rep, int count, size_t pos, Continuation k) const {
    if (rep.max < 0 || count < rep.max) {
      // ECMAScript stops a loop whose body matched nothing.
      auto more = [&](size_t next) {
        return next != pos && matchRepeat(rep, count + 1, next, k);
      };
      if (match(rep.children[0], pos, more))
        return true;
    }
    return count >= rep.min && k(pos);
  }
};

long SplitPattern::matchAt(const uint32_t *text, size_t begin, size_t end, size_t pos) const {
  (void)begin; // no lookbehind or '^': nothing looks before `pos`
  if (root_ < 0)
    return -1;
  Matcher matcher{*this, text, end};
  long result = -1;
  auto done = [&](size_t matchEnd) {
    result = long(matchEnd);
    return true;
  };
  matcher.match(root_, pos, done);
  return result;
}

std::vector<std::pair<size_t, size_t>>
SplitPattern::split(const std::vector<uint32_t> &text,
                    const std::vector<std::pair<size_t, size_t>> &pieces) const {
  std::vector<std::pair<size_t, size_t>> out;
  out.reserve(pieces.size());
  for (const auto &[begin, end] : pieces) {
    size_t gapStart = begin;
    size_t pos = begin;
    while (pos < end) {
      const long matchEnd = matchAt(text.data(), begin, end, pos);
      if (matchEnd <= long(pos)) { // no match, or an empty one
        ++pos;
        continue;
      }
      if (gapStart < pos)
        out.push_back({gapStart, pos});
      out.push_back({pos, size_t(matchEnd)});
      pos = gapStart = size_t(matchEnd);
    }
    if (gapStart < end)
      out.push_back({gapStart, end});
  }
  return out;
}

} // namespace born::llm
