#include "scenario/load_error.hpp"

#include "scenario/display.hpp"

namespace stutter::scenario {
namespace {

std::string compose(const std::string& file, const std::string& pointer, const std::string& reason) {
  return file + ": " + (pointer.empty() ? std::string("(root)") : display::printable(pointer, 300)) + ": " + reason;
}

}  // namespace

load_error::load_error(std::string file_label, std::string json_pointer, std::string why)
    : std::runtime_error(compose(file_label, json_pointer, why)),
      file(std::move(file_label)),
      pointer(std::move(json_pointer)),
      reason(std::move(why)) {}

}  // namespace stutter::scenario
