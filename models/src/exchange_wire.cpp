// The exchange model's wire format and byte queue.
#include <algorithm>
#include <stdexcept>

#include "stutter_models/exchange.hpp"

namespace stutter::models {

bytes encode_exchange_record(exchange_record_type type, byte_view payload) {
  if (payload.size() > 0xffff) throw std::length_error("exchange record payload over 65535 bytes");
  bytes out;
  out.reserve(3 + payload.size());
  out.push_back(static_cast<std::uint8_t>(type));
  out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

bytes exchange_flight_payload(const exchange_config& config, std::uint8_t number,
                              exchange_role sender) {
  bytes payload(std::max<std::size_t>(config.flight_size, 2), 0xf0);
  payload[0] = number;
  payload[1] = static_cast<std::uint8_t>(sender);
  return payload;
}

std::size_t byte_queue::room() const { return data.size() >= capacity ? 0 : capacity - data.size(); }

std::size_t byte_queue::push(byte_view src) {
  if (closed) throw std::logic_error("push to a closed byte_queue");
  const std::size_t n = std::min({src.size(), room(), max_chunk});
  data.insert(data.end(), src.begin(), src.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

bytes byte_queue::pull(std::size_t max) {
  const std::size_t n = std::min({data.size(), max, max_chunk});
  bytes out(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  data.erase(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

}  // namespace stutter::models
