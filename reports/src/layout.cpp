#include "layout.hpp"

#include "html.hpp"

namespace stutter::reports::detail {

void page_begin(std::string& out, std::string_view title, std::string_view root) {
  put(out,
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"stutter reports\">\n"
      "<title>{}</title>\n<link rel=\"stylesheet\" href=\"{}assets/report.css\">\n"
      "<script src=\"{}assets/report.js\" defer></script>\n</head>\n<body>\n",
      esc(title), esc(root), esc(root));
}

void page_end(std::string& out, std::string_view footer_note) {
  put(out, "<footer class=\"page-footer\">{}</footer>\n</body>\n</html>\n", esc(footer_note));
}

}  // namespace stutter::reports::detail
