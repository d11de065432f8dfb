#include "stutter_models/base64.hpp"
#include "stutter_models/sha1.hpp"
#include "stutter_models/websocket.hpp"

namespace stutter::models {

std::string websocket_accept(std::string_view key) {
  std::string input(key);
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 1.3
  return base64_encode(sha1(to_bytes(input)));
}

}  // namespace stutter::models
