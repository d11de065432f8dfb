#pragma once
// Expectations files: which runs of the corpus are known to end other than their scenario says,
// for one implementation or many, and why (BoringSSL's per-shim config, tlsfuzzer's -x/-X).
// The format is documented in scenarios/README.md ("Expectations files").
//
// Loading is as strict as for scenarios (load.hpp): anything but one complete, well-formed
// version 1 file within the limits below throws load_error, "<file>: <json pointer>: <reason>".

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/load_error.hpp"
#include "scenario/scenario.hpp"

namespace stutter::scenario {

namespace expectations_format {
inline constexpr int current_version = 1;
inline constexpr std::size_t max_file_bytes = 16u << 20;
inline constexpr std::size_t max_entries = 100'000;
inline constexpr std::size_t max_glob_bytes = 1024;         // scenario and implementation
inline constexpr std::size_t max_message_bytes = 4096;      // the message substring
inline constexpr std::size_t max_reason_bytes = 4096;
inline constexpr std::size_t max_description_bytes = 65536;
}  // namespace expectations_format

struct expectation_entry {
  std::string scenario_glob;
  std::string implementation_glob = "*";
  std::optional<placement> role;  // client, server or both; nullopt matches any peer_role
  expectation expect;
  std::string reason;
  std::string pointer;  // where the entry is in its file, "/expectations/3", for messages
};

struct expectations_file {
  std::string path;  // the label it was loaded under
  std::vector<expectation_entry> entries;
};

// label names the input in messages (usually its path) and becomes the result's path.
expectations_file load_expectations(std::string_view text, std::string_view label);

// Reads and parses the file; unreadable files throw load_error too.
expectations_file load_expectations_file(const std::string& path);

// '*' matches any run of characters, '?' one character (a UTF-8 code point), anything else itself.
bool glob_match(std::string_view pattern, std::string_view text);

// Whether the entry covers this run: its scenario glob matches the name, its implementation glob
// the peer or the plug-in's identity name, and its role (if any) the peer_role.
bool entry_matches(const expectation_entry& e, const scenario& s);

// The first entry, in file order, that covers this run; nullptr if none does.
const expectation_entry* find_expectation(const expectations_file& f, const scenario& s);

}  // namespace stutter::scenario
