#pragma once
// The one Scenario type. A scenario file, a RapidCheck generator and an explore seed all
// produce this value, and the one runner executes it. See scenarios/README.md for the
// JSON form of every field.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_vocabulary.hpp"

namespace stutter::scenario {

// Layers of an endpoint's stack, listed bottom to top. Byte-transforming layers (tls)
// sit at the bottom; the framing layers above them are phases used one after the other:
// the first phase is active at the start and each `switch` step hands over to the next.
enum class layer : std::uint8_t { line, length, http_upgrade, websocket, tls };

// The fault vocabulary belongs to the simulator; scenarios name it.
using sim::applies_to;
using sim::direction;
using sim::endpoint_id;
using sim::fault_entry;
using sim::fault_kind;
using sim::fault_kind_count;
using sim::fault_rate;
using sim::is_destructive;

struct faults {
  // Exactly one of the two is used: an explicit schedule, or a swarm profile drawn from the seed.
  bool explicit_schedule = false;
  std::vector<fault_entry> schedule;
  std::map<fault_kind, fault_rate> swarm;
  friend bool operator==(const faults&, const faults&) = default;
};

struct network {
  std::uint32_t capacity = 64 * 1024;  // bytes in flight per direction
  std::uint32_t latency = 0;           // ticks every segment takes
  friend bool operator==(const network&, const network&) = default;
};

// Per-endpoint settings of every layer; each limit is a setting with its own error.
struct settings {
  std::string separator = "\n";            // line: "\n" or "\r\n" (or any 1..8 bytes)
  std::uint32_t max_line = 8 * 1024;       // line: payload bytes
  std::string length_prefix = "u32be";     // length: "u32be" | "varint"
  std::uint32_t max_record = 1024 * 1024;  // length: payload bytes
  bool strict = false;                     // buffered reader: never over-read
  std::uint32_t buffer_capacity = 64 * 1024;
  std::uint32_t read_block = 16 * 1024;
  std::uint32_t max_message = 1024 * 1024;  // websocket: 1009 above this
  std::uint32_t fragment_size = 0;          // websocket: 0 = no fragmentation on write
  std::uint32_t max_header_bytes = 8 * 1024;  // http-upgrade: whole header block
  std::uint32_t max_headers = 64;             // http-upgrade: header count
  std::string tls_version = "1.3";           // tls: "1.2" | "1.3"
  bool allow_renegotiation = true;           // tls
  friend bool operator==(const settings&, const settings&) = default;
};

enum class step_kind : std::uint8_t {
  send,          // send one record/message `data` through the active phase
  expect,        // receive one record/message and compare it with `data`
  switch_phase,  // hand over to the next phase of the stack
  close,         // orderly close of the active phase (shutdown, ws close `code`, close_notify)
  expect_eof,    // the next receive must report an orderly end
  raw,           // write `data` straight to the wire beneath the stack
  expect_error,  // the next receive must fail with the error named `error`
  renegotiate,   // tls: start a renegotiation (1.2) or key update (1.3)
  key_update,    // tls 1.3: key update with update_requested
  ping,          // websocket: send a ping carrying `data`
};

enum class message_type : std::uint8_t { binary, text };

struct step {
  step_kind kind = step_kind::send;
  std::vector<std::uint8_t> data;
  message_type type = message_type::binary;  // websocket messages
  std::string error;                         // expect_error: an error name, e.g. "line_too_long"
  // expect_error: further names the step also accepts, where the rule allows several outcomes
  // ("error": ["peer_alert", "truncated"] in a file; `error` holds the first).
  std::vector<std::string> other_errors;
  // expect_error over websocket: close codes that fail the connection acceptably whatever the
  // implementation calls the error (the step is met by any error or eof; the close frame the
  // endpoint sent, if any, must carry one of them).
  std::vector<std::uint16_t> close_codes;
  std::uint16_t code = 1000;                 // websocket close code
  // renegotiate / key_update: calls of the TLS layer (reads, writes, retries) to let pass
  // before the request is made, so that it lands inside the steps that follow (in the middle
  // of a long send, while a receive waits); a close makes it at once.
  std::uint32_t delay = 0;
  friend bool operator==(const step&, const step&) = default;
};

// An expect_error step is met by an error of this name.
inline bool accepts_error(const step& s, std::string_view name) {
  return name == s.error || std::find(s.other_errors.begin(), s.other_errors.end(), name) != s.other_errors.end();
}

struct endpoint {
  std::vector<layer> stack;
  settings config;
  std::vector<step> workload;
  friend bool operator==(const endpoint&, const endpoint&) = default;
};

// crash: the implementation's process died (signal, abort, sanitizer report, exit, memory
// limit) while it ran; only an isolated run (a worker process) can report it.
enum class verdict : std::uint8_t { pass, fail, hang, non_strict, unimplemented, informational, xfail, xpass, crash };

struct expectation {
  verdict expected = verdict::pass;
  std::optional<std::string> invariant;  // for an expected failure: the invariant it breaks
  std::optional<std::string> message;    // ... and a substring of the checker's message
  // ... and the end it is expected of: another end breaking the invariant is not this failure,
  // and when another implementation takes that end's place the expectation no longer applies.
  std::optional<endpoint_id> at;
  friend bool operator==(const expectation&, const expectation&) = default;
};

// Where the implementation named by `peer` plays. `own`: the ends it was registered for
// (both for the mutants, the server end for "wslay", ...); otherwise the given end or ends,
// with the reference stack ("stutter") at any other.
enum class placement : std::uint8_t { own, client, server, both };

// Which build of a loaded implementation (a plug-in) a run used: recorded in saved failures
// so that a replay can tell it runs other code.
struct implementation_identity {
  std::string name;
  std::string version;
  std::string sha256;  // of the shared object file, lower-case hex
  friend bool operator==(const implementation_identity&, const implementation_identity&) = default;
};

struct scenario {
  int version = 1;
  std::string name;
  std::string description;
  std::string category;
  std::string rule;                  // the rule it checks, e.g. "RFC 6455 5.2"
  std::string peer = "stutter";      // the implementation under test (`stutter list`, or plugin:PATH)
  placement peer_role = placement::own;
  std::optional<implementation_identity> peer_identity;
  std::uint64_t seed = 0;
  std::uint64_t max_steps = 200000;  // liveness bound: scheduler steps without a byte moving
  std::string commit;                // commit that found or saved it (informational)
  network net;
  faults fault;
  endpoint client;
  endpoint server;
  expectation expect;
  friend bool operator==(const scenario&, const scenario&) = default;
};

}  // namespace stutter::scenario
