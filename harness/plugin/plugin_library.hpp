#pragma once
// A plug-in shared object (stutter/plugin.h) loaded and vetted: the descriptor is checked
// against this build's ABI before anything in it is called, and the file's SHA-256 names
// the exact build a run used.

#include <memory>
#include <stdexcept>
#include <string>

#include "scenario/scenario.hpp"
#include "stutter/plugin.h"

namespace stutter::plugin {

// A plug-in that cannot be used; the message names the file and what is wrong.
class plugin_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class library {
 public:
  // Loads and vets the shared object at `path`; throws plugin_error.
  static std::shared_ptr<const library> open(const std::string& path);
  ~library();
  library(const library&) = delete;
  library& operator=(const library&) = delete;

  const stutter_plugin& descriptor() const { return *descriptor_; }
  const std::string& path() const { return path_; }
  const scenario::implementation_identity& identity() const { return identity_; }
  bool implements(scenario::layer l, scenario::endpoint_id role) const;

 private:
  library() = default;
  void* handle_ = nullptr;
  const stutter_plugin* descriptor_ = nullptr;
  std::string path_;
  scenario::implementation_identity identity_;
};

// The SHA-256 of a file's bytes as lower-case hex; throws plugin_error if unreadable.
std::string sha256_of_file(const std::string& path);

}  // namespace stutter::plugin
