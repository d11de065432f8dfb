#pragma once
// RapidCheck generators shared by the models tests.

#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "stutter_models/bytes.hpp"

namespace stutter::models::testing {

// A container of min..max elements.
template <class Container, class Element>
rc::Gen<Container> sized(std::size_t min, std::size_t max, rc::Gen<Element> element) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(min, max + 1),
                         [element](std::size_t n) { return rc::gen::container<Container>(n, element); });
}

// Bytes from a small alphabet that includes the separator bytes, so that
// collisions with separators are common.
inline rc::Gen<bytes> small_alphabet_bytes(std::size_t max_size = 12) {
  return sized<bytes>(0, max_size, rc::gen::element<std::uint8_t>('a', 'b', '\r', '\n', 0x00, 0xff));
}

// Any bytes, with sizes biased towards the edges: 0 and 1 are common.
inline rc::Gen<bytes> any_bytes(std::size_t max_size = 40) {
  return sized<bytes>(0, max_size, rc::gen::arbitrary<std::uint8_t>());
}

// Split points for data of `size` bytes: an increasing list of cut offsets.
inline rc::Gen<std::vector<std::size_t>> cuts(std::size_t size) {
  return rc::gen::map(rc::gen::container<std::vector<bool>>(size, rc::gen::arbitrary<bool>()),
                      [](const std::vector<bool>& cut_here) {
                        std::vector<std::size_t> out;
                        for (std::size_t i = 0; i < cut_here.size(); ++i)
                          if (cut_here[i]) out.push_back(i);
                        return out;
                      });
}

// Up to `max_cuts` split points anywhere in data of `size` bytes (for big inputs).
inline rc::Gen<std::vector<std::size_t>> few_cuts(std::size_t size, std::size_t max_cuts = 3) {
  return rc::gen::map(sized<std::vector<std::size_t>>(0, max_cuts, rc::gen::inRange<std::size_t>(0, size + 1)),
                      [](std::vector<std::size_t> at) {
                        std::sort(at.begin(), at.end());
                        at.erase(std::unique(at.begin(), at.end()), at.end());
                        return at;
                      });
}

// data split at the given offsets.
inline std::vector<bytes> split(const bytes& data, const std::vector<std::size_t>& at) {
  std::vector<bytes> chunks;
  std::size_t from = 0;
  for (std::size_t cut : at) {
    chunks.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(from),
                        data.begin() + static_cast<std::ptrdiff_t>(cut));
    from = cut;
  }
  chunks.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(from), data.end());
  return chunks;
}

}  // namespace stutter::models::testing

namespace stutter::models::testing {

// What a streaming consumer of a whole-buffer decoder sees when the input
// arrives in chunks: decode what it holds, keep the tail, append the next chunk.
template <class Result>
struct chunked {
  std::vector<bytes> records;
  decltype(Result::error) error{};
  bytes tail;
};

template <class Decode>
auto decode_chunked(const std::vector<bytes>& chunks, Decode decode) {
  using result = decltype(decode(bytes{}));
  chunked<result> out;
  bool failed = false;
  for (const bytes& chunk : chunks) {
    out.tail.insert(out.tail.end(), chunk.begin(), chunk.end());
    if (failed) continue;  // a consumer stops decoding; the rest is left unread
    result r = decode(out.tail);
    out.records.insert(out.records.end(), r.records.begin(), r.records.end());
    out.tail = r.tail;
    out.error = r.error;
    failed = r.error != decltype(r.error){};
  }
  return out;
}

}  // namespace stutter::models::testing
