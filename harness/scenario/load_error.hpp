#pragma once
// The one error a scenario file can produce. Its message is "<file>: <json pointer>: <reason>",
// e.g. "scenarios/x.json: /client/workload/3/send: expected an object, got an array".

#include <stdexcept>
#include <string>

namespace stutter::scenario {

struct load_error : std::runtime_error {
  load_error(std::string file, std::string pointer, std::string reason);

  std::string file;     // the label the caller gave (usually the path as given)
  std::string pointer;  // RFC 6901 pointer of the offending value; "" is the whole document,
                        // which the message writes as "(root)"
  std::string reason;   // the message without file and pointer
};

}  // namespace stutter::scenario
