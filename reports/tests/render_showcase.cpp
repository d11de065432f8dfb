// Writes the showcase report (tests/fixtures.cpp) into the directory given as the only argument;
// the browser check opens it in headless Chromium.
#include <iostream>

#include "fixtures.hpp"
#include "stutter_reports/report.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " OUT_DIR\n";
    return 2;
  }
  try {
    auto stats = stutter::reports::render_report({stutter::reports::testing::showcase_document()}, argv[1],
                                                 {.document_names = {"showcase.json"}});
    std::cout << "runs " << stats.runs << ", pages " << stats.pages << ", index " << stats.index_bytes << " bytes\n";
  } catch (const std::exception& e) {
    std::cerr << "render_showcase: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
