#pragma once
// Who ran a result: an implementation in a role. Names the matrix columns and labels
// implementations wherever the report shows them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"

namespace stutter::reports::detail {

// own, client, server, both: where the implementation under test played.
bool is_role(std::string_view role);

// The identity's name when there is one, else the implementation; " @ role" unless the role is own.
std::string implementation_label(const std::string& implementation, const std::optional<implementation_identity>& identity,
                                 const std::string& role);

struct column {
  std::string implementation;
  std::string role;
  std::string label;  // unique among the columns
  std::string title;  // the implementation, role and identity in full, for a tooltip
};

// Every (implementation, role) that has a result: the reference stack first, then by label,
// roles in the order own, client, server, both.
std::vector<column> matrix_columns(const std::vector<result_row>& rows);

}  // namespace stutter::reports::detail
