#pragma once
// The harness side of one plug-in endpoint's calls, shared by the phase and transform
// adapters:
// - results crossing the ABI in both directions (stutter_result <-> io_result), with
//   error names carried in error codes that error_name() reads back;
// - the lower stream, host services and settings handed to the plug-in;
// - the contract monitor: every result the plug-in returns is vetted, and the first
//   breach of the contract (contract.result, contract.sticky_error, contract.reentrant)
//   is recorded and turned into an error, so the run ends with a failure that says so
//   instead of undefined behaviour in the harness.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "scenario/scenario.hpp"
#include "stutter/io.hpp"
#include "stutter/plugin.h"

namespace stutter::plugin {

// An error code whose message is `name` (error_name() of it gives the name back). The
// value is a hash of the name, so traces hash the same in every process.
std::error_code named_error(std::string_view name);

// The error an endpoint returns once it broke the contract.
std::error_code contract_error();

// The first breach of the contract by one end's plug-in endpoints.
struct contract_breach {
  std::string invariant;  // contract.result, contract.sticky_error, contract.reentrant
  std::string message;
};

// Shared by every endpoint one end of a run creates (its phases in turn, and its tls).
class contract_log {
 public:
  void breach(std::string invariant, std::string message) {
    if (!first_) first_ = contract_breach{std::move(invariant), std::move(message)};
  }
  const std::optional<contract_breach>& first() const { return first_; }

 private:
  std::optional<contract_breach> first_;
};

// What a plug-in endpoint is given, kept alive for it, and how its results are judged.
class bridge {
 public:
  bridge(std::string plugin_name, const char* what, contract_log& log, byte_stream& lower,
         std::function<std::uint64_t()> entropy, std::function<std::uint64_t()> now);
  bridge(const bridge&) = delete;
  bridge& operator=(const bridge&) = delete;

  // The config for create(); valid while the bridge lives.
  const stutter_endpoint_config& config(scenario::layer kind, scenario::endpoint_id role, const scenario::settings& s,
                                        const std::vector<byte>& prefix);

  // Around every call into the plug-in: lower-stream calls are legal only inside one.
  struct call_scope {
    explicit call_scope(bridge& b) : b_(b) {
      if (b_.depth_++ == 0) b_.caller_ = std::this_thread::get_id();
    }
    ~call_scope() { --b_.depth_; }
    bridge& b_;
  };

  // Vets a result for a call that moved up to `offered` units (byte_request: a non-empty
  // byte-stream request, for which ok(0) is a breach; exact: ok must move exactly
  // `offered`) and converts it. After a breach every call returns contract_error().
  // cleanup: a tls layer's shutdown_write, which after an error may still wait and succeed
  // while it flushes what the failure produced (the fatal alert).
  io_result take(const char* op, const stutter_result& r, std::size_t offered, bool byte_request, bool exact,
                 bool cleanup = false);
  // A breach found by the adapter itself (a malformed message, handover).
  io_result breach(std::string invariant, std::string message);
  bool broken() const { return broken_; }
  // The error the endpoint failed with (contract_error() after a breach), or none.
  std::error_code sticky_error() const;
  std::string last_error_detail() const { return detail_; }

 private:
  static stutter_result lower_read(void* ctx, std::uint8_t* buf, std::size_t len);
  static stutter_result lower_write(void* ctx, const stutter_iovec* bufs, std::size_t count);
  static stutter_result lower_shutdown(void* ctx);
  static void host_random(void* ctx, std::uint8_t* out, std::size_t len);
  static std::uint64_t host_now(void* ctx);
  bool enter_lower(const char* op);
  stutter_result give(const io_result& r);

  std::string plugin_;
  std::string what_;  // "line phase", "tls layer", ... for messages
  contract_log& log_;
  byte_stream& lower_;
  std::function<std::uint64_t()> entropy_;
  std::function<std::uint64_t()> now_;
  stutter_lower lower_ops_{};
  stutter_host host_{};
  stutter_endpoint_config config_{};
  stutter_tls_identity tls_{};
  std::vector<stutter_setting> settings_;
  std::vector<std::string> strings_;  // backing store of the string settings
  std::vector<byte> prefix_;
  std::string lower_error_;  // the name of the last error handed to the plug-in
  std::string detail_;
  int depth_ = 0;       // plug-in calls in progress
  std::thread::id caller_;  // the thread that made the outermost one
  bool in_lower_ = false;
  bool errored_ = false;  // the plug-in returned an error: sticky from now on
  std::string first_error_;
  bool broken_ = false;
};

}  // namespace stutter::plugin
