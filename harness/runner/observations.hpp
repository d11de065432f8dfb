#pragma once
// What one endpoint did and saw during a run: the raw material of the invariant checks.

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "scenario/scenario.hpp"

namespace stutter::runner {

struct record {
  std::size_t phase = 0;
  scenario::message_type type = scenario::message_type::binary;
  std::vector<std::uint8_t> data;
};

struct endpoint_observations {
  std::vector<record> sent;       // records the application sent (the send returned ok)
  std::vector<record> delivered;  // records the application received
  bool finished = false;          // the workload ran to its end
  std::size_t steps_done = 0;     // workload steps completed

  // The first step that did not go as the workload says, if any.
  struct deviation {
    std::size_t step = 0;
    std::string what;
    std::error_code error{};
    bool got_eof = false;  // the stream ended where the step wanted something else
  };
  std::optional<deviation> unexpected_error;  // an error no expect_error step asked for
  std::optional<deviation> mismatch;          // an expect/expect_eof/expect_error that saw otherwise
  std::optional<deviation> status_violation;  // a waiting result with no reason (status.meaning)

  std::size_t renegotiations_requested = 0;  // renegotiate / key_update steps that started one

  std::size_t max_buffer = 0;  // most bytes the active phase's reader held allocated
  std::size_t buffer_capacity = 0;
};

// Short name of an error: the text before the first ':' of its message (every Stutter
// category words its messages as "name: explanation", the WebSocket ones as
// "name (close code): explanation"), else the whole message.
std::string error_name(const std::error_code& ec);

}  // namespace stutter::runner
