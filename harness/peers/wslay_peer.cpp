#include "wslay_peer.hpp"

#include <openssl/evp.h>
#include <wslay/wslay.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace stutter::peers {

namespace {

constexpr std::size_t max_head = 16 * 1024;

std::string base64(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string accept_of(const std::string& key) {
  const std::string input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest(SHA-1) failed");
  }
  return base64(digest, len);
}

// The trimmed value of the first field called `name` (case-insensitive) in an HTTP head.
std::string field(const std::string& head, const std::string& name) {
  std::string lower_head(head);
  std::transform(lower_head.begin(), lower_head.end(), lower_head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string lower_name(name);
  std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t at = lower_head.find("\r\n" + lower_name + ":");
  if (at == std::string::npos) return {};
  std::size_t begin = at + 3 + name.size();
  const std::size_t end = head.find("\r\n", begin);
  while (begin < end && (head[begin] == ' ' || head[begin] == '\t')) ++begin;
  std::size_t last = end;
  while (last > begin && (head[last - 1] == ' ' || head[last - 1] == '\t')) --last;
  return head.substr(begin, last - begin);
}

}  // namespace

struct wslay_glue {
  static ssize_t recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
    auto* self = static_cast<wslay_peer*>(user);
    // Bytes the handshake read past the head come first.
    if (self->leftover_pos_ < self->leftover_.size()) {
      const std::size_t n = std::min(len, self->leftover_.size() - self->leftover_pos_);
      std::memcpy(buf, self->leftover_.data() + self->leftover_pos_, n);
      self->leftover_pos_ += n;
      return static_cast<ssize_t>(n);
    }
    io_result r = self->lower_.read_some({buf, len});
    if (r.ok()) {
      self->moved_ += r.n;
      return static_cast<ssize_t>(r.n);
    }
    if (r.st == status::would_block) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    } else {
      if (r.st == status::eof) self->lower_eof_ = true;
      if (r.st == status::error) self->error_ = r.ec;
      wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    }
    return -1;
  }

  static ssize_t send(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int, void* user) {
    auto* self = static_cast<wslay_peer*>(user);
    io_result r = self->lower_.write_some(const_bytes(data, len));
    if (r.ok()) {
      self->moved_ += r.n;
      return static_cast<ssize_t>(r.n);
    }
    if (r.st == status::would_block) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    } else {
      if (r.st == status::error) self->error_ = r.ec;
      wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    }
    return -1;
  }

  static int genmask(wslay_event_context_ptr, uint8_t* buf, size_t len, void* user) {
    auto* self = static_cast<wslay_peer*>(user);
    for (std::size_t i = 0; i < len; i += 8) {
      const std::uint64_t bits = self->options_.entropy();
      for (std::size_t j = 0; j < 8 && i + j < len; ++j) buf[i + j] = static_cast<uint8_t>(bits >> (8 * j));
    }
    return 0;
  }

  static void on_msg(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
    auto* self = static_cast<wslay_peer*>(user);
    switch (arg->opcode) {
      case WSLAY_TEXT_FRAME:
      case WSLAY_BINARY_FRAME:
        self->received_.push_back({arg->opcode, std::vector<byte>(arg->msg, arg->msg + arg->msg_length)});
        break;
      case WSLAY_PING: ++self->pings_; break;
      case WSLAY_PONG: ++self->pongs_; break;
      case WSLAY_CONNECTION_CLOSE: self->close_code_ = arg->status_code == 0 ? 1005 : arg->status_code; break;
      default: break;
    }
  }

  // Hands wslay one frame's worth of a fragmented message per call.
  static ssize_t fragment(wslay_event_context_ptr, uint8_t* buf, size_t len, const wslay_event_msg_source* source,
                          int* eof, void* user) {
    auto* self = static_cast<wslay_peer*>(user);
    auto* msg = static_cast<wslay_peer::outgoing*>(source->data);
    std::size_t n = std::min({len, self->options_.fragment_size, msg->payload.size() - msg->offset});
    std::memcpy(buf, msg->payload.data() + msg->offset, n);
    msg->offset += n;
    if (msg->offset == msg->payload.size()) *eof = 1;
    return static_cast<ssize_t>(n);
  }
};

wslay_peer::wslay_peer(byte_stream& lower, wslay_peer_options options) : lower_(lower), options_(std::move(options)) {
  wslay_event_callbacks callbacks{};
  callbacks.recv_callback = &wslay_glue::recv;
  callbacks.send_callback = &wslay_glue::send;
  callbacks.genmask_callback = &wslay_glue::genmask;
  callbacks.on_msg_recv_callback = &wslay_glue::on_msg;
  const bool client = options_.role == wslay_role::client;
  if (client && !options_.entropy) throw std::invalid_argument("wslay_peer: a client needs an entropy source");
  const int rv = client ? wslay_event_context_client_init(&ctx_, &callbacks, this)
                        : wslay_event_context_server_init(&ctx_, &callbacks, this);
  if (rv != 0) throw std::runtime_error("wslay_event_context_init failed");
  wslay_event_config_set_max_recv_msg_length(ctx_, options_.max_message);

  if (!options_.handshake) {
    handshake_done_ = true;
  } else if (client) {
    unsigned char nonce[16];
    for (std::size_t i = 0; i < 16; i += 8) {
      const std::uint64_t bits = options_.entropy();
      for (std::size_t j = 0; j < 8; ++j) nonce[i + j] = static_cast<unsigned char>(bits >> (8 * j));
    }
    key_ = base64(nonce, sizeof nonce);
    out_head_ = "GET " + options_.target + " HTTP/1.1\r\nHost: " + options_.host +
                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key_ +
                "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }
}

wslay_peer::~wslay_peer() { wslay_event_context_free(ctx_); }

void wslay_peer::send(std::uint8_t opcode, std::vector<byte> payload) { queue_.push_back({opcode, std::move(payload)}); }

void wslay_peer::close(std::uint16_t code, std::string reason) {
  close_requested_ = true;
  close_request_code_ = code;
  close_request_reason_ = std::move(reason);
}

std::uint16_t wslay_peer::sent_close_code() const {
  return wslay_event_get_close_sent(ctx_) ? wslay_event_get_status_code_sent(ctx_) : 0;
}

bool wslay_peer::close_sent() const { return wslay_event_get_close_sent(ctx_) != 0; }

// Reads until the empty line ending the head; what follows it is kept for wslay.
io_result wslay_peer::read_head() {
  while (!head_read_) {
    byte buf[512];
    io_result r = lower_.read_some(buf);
    if (r.st == status::eof) return io_result::failed(errc::unexpected_eof);
    if (!r.ok()) return r;
    moved_ += r.n;
    in_head_.append(reinterpret_cast<const char*>(buf), r.n);
    const std::size_t end = in_head_.find("\r\n\r\n");
    if (end != std::string::npos) {
      leftover_.assign(in_head_.begin() + static_cast<std::ptrdiff_t>(end + 4), in_head_.end());
      in_head_.resize(end + 2);
      head_read_ = true;
    } else if (in_head_.size() > max_head) {
      return io_result::failed(errc::line_too_long);
    }
  }
  return io_result::done(0);
}

io_result wslay_peer::handshake() {
  const bool client = options_.role == wslay_role::client;
  if (!client && !head_read_) {
    io_result r = read_head();
    if (!r.ok()) return r;
    const std::string key = field(in_head_, "Sec-WebSocket-Key");
    if (in_head_.rfind("GET ", 0) != 0 || key.empty()) {
      return io_result::failed(std::make_error_code(std::errc::protocol_error));
    }
    out_head_ = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: " + accept_of(key) + "\r\n\r\n";
  }
  while (out_sent_ < out_head_.size()) {
    io_result r = lower_.write_some(
        const_bytes(reinterpret_cast<const byte*>(out_head_.data()) + out_sent_, out_head_.size() - out_sent_));
    if (!r.ok()) return r;
    out_sent_ += r.n;
    moved_ += r.n;
  }
  if (client) {
    io_result r = read_head();
    if (!r.ok()) return r;
    if (in_head_.rfind("HTTP/1.1 101", 0) != 0 || field(in_head_, "Sec-WebSocket-Accept") != accept_of(key_)) {
      return io_result::failed(std::make_error_code(std::errc::protocol_error));
    }
  }
  handshake_done_ = true;
  return io_result::done(0);
}

void wslay_peer::feed_wslay() {
  while (!queue_.empty()) {
    outgoing& m = queue_.front();
    int rv;
    if (options_.fragment_size == 0 || m.payload.empty() || (m.opcode & 0x8)) {
      wslay_event_msg msg{m.opcode, m.payload.data(), m.payload.size()};
      rv = wslay_event_queue_msg(ctx_, &msg);  // copies the payload
      queue_.pop_front();
    } else {
      fragmenting_.push_back(std::move(m));
      queue_.pop_front();
      wslay_event_fragmented_msg msg{};
      msg.opcode = fragmenting_.back().opcode;
      msg.source.data = &fragmenting_.back();
      msg.read_callback = &wslay_glue::fragment;
      rv = wslay_event_queue_fragmented_msg(ctx_, &msg);
    }
    (void)rv;  // WSLAY_ERR_NO_MORE_MSG once a close is queued: the message is dropped, as in wslay
  }
  if (close_requested_) {
    close_requested_ = false;
    (void)wslay_event_queue_close(ctx_, close_request_code_,
                                  reinterpret_cast<const uint8_t*>(close_request_reason_.data()),
                                  close_request_reason_.size());
  }
  if (wslay_event_get_queued_msg_count(ctx_) == 0) fragmenting_.clear();
}

bool wslay_peer::finished() const {
  return !wslay_event_want_read(ctx_) && !wslay_event_want_write(ctx_);
}

io_result wslay_peer::pump() {
  if (error_) return io_result::failed(error_);
  const std::size_t before = moved_;
  if (!handshake_done_) {
    io_result r = handshake();
    if (r.st == status::error) {
      error_ = r.ec;
      return r;
    }
    if (!r.ok()) return moved_ > before ? io_result::done(moved_ - before) : r;
  }
  // Stop after two rounds in a row without progress: a stream that stutters on a fixed
  // call pattern (every k-th call blocks) must not phase-lock with this loop's own
  // read-then-write pattern. Progress includes handshake leftovers wslay consumed.
  for (int idle = 0; idle < 2;) {
    const std::size_t round = moved_ + leftover_pos_;
    feed_wslay();
    if (wslay_event_want_write(ctx_)) (void)wslay_event_send(ctx_);
    if (wslay_event_want_read(ctx_)) (void)wslay_event_recv(ctx_);  // failures: see the callbacks
    feed_wslay();
    if (wslay_event_want_write(ctx_)) (void)wslay_event_send(ctx_);
    if (error_) return io_result::failed(error_);
    idle = moved_ + leftover_pos_ == round ? idle + 1 : 0;
  }
  if (finished() || (lower_eof_ && !wslay_event_want_write(ctx_))) {
    if (!shut_down_) {
      shut_down_ = true;
      (void)lower_.shutdown_write();
    }
    if (moved_ == before) return io_result::end();
  }
  return moved_ > before ? io_result::done(moved_ - before) : io_result::blocked();
}

}  // namespace stutter::peers
