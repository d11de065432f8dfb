#pragma once
// How a fuzz target reports a broken invariant, and the known differences it tolerates. No
// dependency beyond the standard library, so every target can use it.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

namespace stutter::fuzz {

// An invariant broke: print what and where, then abort (libFuzzer saves the input).
[[noreturn]] inline void fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "\nstutter fuzz check failed at %s:%d\n  %s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(cond, what)                                             \
  do {                                                                     \
    if (!(cond)) ::stutter::fuzz::fail(__FILE__, __LINE__, std::string(#cond) + ": " + (what)); \
  } while (0)

// Known differences between the implementation and its contract or model that are reported,
// not fixed (README.md, "Known differences"): a target tolerates each under its id, unless
// STUTTER_FUZZ_STRICT names it (a comma-separated list of ids, or 1 for all of them), which is how
// the inputs kept in regressions/<target>/unfixed/ reproduce them.
inline bool tolerate(const char* id) {
  const char* v = std::getenv("STUTTER_FUZZ_STRICT");
  if (v == nullptr || *v == 0) return true;
  if (std::strcmp(v, "1") == 0) return false;
  const std::string list = std::string(",") + v + ",";
  return list.find(std::string(",") + id + ",") == std::string::npos;
}

inline std::string hex(std::span<const std::uint8_t> b, std::size_t max = 64) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < b.size() && i < max; ++i) {
    s += digits[b[i] >> 4];
    s += digits[b[i] & 15];
  }
  if (b.size() > max) s += "...(" + std::to_string(b.size()) + " bytes)";
  return s;
}

}  // namespace stutter::fuzz
