#include "stutter/ws/accept.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace stutter::ws {

std::string base64_encode(const_bytes data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string make_key(const std::array<byte, 16>& nonce) { return base64_encode(nonce); }

bool is_valid_key(std::string_view key) {
  // 16 bytes = 128 bits: 22 characters, then "==". Non-canonical trailing bits are
  // accepted: they still decode to 16 bytes, and the accept hash uses the text.
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (key.size() != 24 || key[22] != '=' || key[23] != '=') return false;
  for (std::size_t i = 0; i < 22; ++i) {
    if (alphabet.find(key[i]) == std::string_view::npos) return false;
  }
  return true;
}

std::string accept_for(std::string_view key) {
  static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::string input;
  input.reserve(key.size() + guid.size());
  input.append(key).append(guid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest(SHA-1) failed");
  }
  return base64_encode({digest, len});
}

}  // namespace stutter::ws
