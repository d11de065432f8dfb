#pragma once
// Strict UTF-8 (RFC 3629): the check behind `ws.rfc6455.utf8`.

#include "stutter_models/bytes.hpp"

namespace stutter::models {

// True iff data is well-formed UTF-8: no overlong encodings, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no stray or missing continuation bytes.
bool is_valid_utf8(byte_view data);

}  // namespace stutter::models
