#pragma once
// The frame shared by every page: head, stylesheet and script links, footer.

#include <string>
#include <string_view>

namespace stutter::reports::detail {

// `root` is the relative path from the page to the report's top directory ("" or "../").
void page_begin(std::string& out, std::string_view title, std::string_view root);
void page_end(std::string& out, std::string_view footer_note);

}  // namespace stutter::reports::detail
