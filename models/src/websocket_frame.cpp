// Frame encoding and the small facts about opcodes and close codes.
#include <stdexcept>

#include "stutter_models/websocket.hpp"

namespace stutter::models {

bool ws_is_control(std::uint8_t opcode) { return (opcode & 0x8) != 0; }

bool ws_close_code_valid(std::uint16_t code) {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

bytes ws_close_payload(std::uint16_t code, std::string_view reason) {
  bytes out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<std::uint8_t>(code >> 8));
  out.push_back(static_cast<std::uint8_t>(code));
  out.insert(out.end(), reason.begin(), reason.end());
  return out;
}

bytes encode_frame(const ws_frame_spec& spec) {
  const std::uint64_t n = spec.payload.size();
  ws_length_encoding encoding = n <= 125 ? ws_length_encoding::len7
                                : n <= 0xffff ? ws_length_encoding::len16
                                              : ws_length_encoding::len64;
  if (spec.length_encoding) {
    if ((*spec.length_encoding == ws_length_encoding::len7 && n > 125) ||
        (*spec.length_encoding == ws_length_encoding::len16 && n > 0xffff))
      throw std::invalid_argument("forced length encoding cannot hold the payload length");
    encoding = *spec.length_encoding;
  }

  bytes out;
  out.push_back(static_cast<std::uint8_t>((spec.fin ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) |
                                          (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) |
                                          (spec.opcode & 0x0f)));
  const std::uint8_t mask_bit = spec.mask_key ? 0x80 : 0;
  switch (encoding) {
    case ws_length_encoding::len7:
      out.push_back(static_cast<std::uint8_t>(mask_bit | n));
      break;
    case ws_length_encoding::len16:
      out.push_back(mask_bit | 126);
      out.push_back(static_cast<std::uint8_t>(n >> 8));
      out.push_back(static_cast<std::uint8_t>(n));
      break;
    case ws_length_encoding::len64:
      out.push_back(mask_bit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
      break;
  }
  if (spec.mask_key) out.insert(out.end(), spec.mask_key->begin(), spec.mask_key->end());
  for (std::size_t i = 0; i < spec.payload.size(); ++i)
    out.push_back(spec.mask_key ? spec.payload[i] ^ (*spec.mask_key)[i % 4] : spec.payload[i]);
  return out;
}

bytes encode_frame(bool fin, std::uint8_t opcode, byte_view payload,
                   std::optional<ws_mask_key> mask_key) {
  ws_frame_spec spec;
  spec.fin = fin;
  spec.opcode = opcode;
  spec.mask_key = mask_key;
  spec.payload.assign(payload.begin(), payload.end());
  return encode_frame(spec);
}

}  // namespace stutter::models
