#pragma once
// Validates one results document and converts it to the renderer's model.

#include <string>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace stutter::reports::detail {

// Throws report_error naming `name` and the JSON pointer of the first problem found.
parsed_document parse_document(const nlohmann::json& document, const std::string& name, std::size_t ordinal);

}  // namespace stutter::reports::detail
