// fuzz_results: the report's results reader (reports/include/stutter_reports/report.hpp):
// read_results_file on a file holding the input, then what merge_results does (render.cpp: the
// merged document of detail::parse_and_merge, which validates each document with parse_document),
// for the document alone and twice over. (merge_results itself lives beside the renderer, which
// this target does not build; see CMakeLists.txt.) The contract: malformed
// input of any kind is a report_error (naming the file, for read_results_file); anything else that
// escapes (nlohmann's type or range errors, std::out_of_range, ...), a crash or a sanitizer report
// is a finding.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "fuzz_check.hpp"
#include "merge.hpp"
#include "stutter_reports/report.hpp"

using namespace stutter;

namespace {

// The file read_results_file reads: created and unlinked at once (so nothing is left behind, even
// after a crash), in /dev/shm where there is one (rewriting a file on ext4 flushes it), and named
// by its descriptor.
struct scratch_file {
  int fd = -1;
  std::string path;
  scratch_file() {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp ? tmp : "/tmp";
    std::string name = dir + "/stutter-fuzz-results-XXXXXX";
    fd = mkstemp(name.data());
    FUZZ_CHECK(fd >= 0, "cannot create a scratch file in " + dir);
    unlink(name.c_str());
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  void hold(const std::uint8_t* data, std::size_t size) {
    FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate");
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
      FUZZ_CHECK(n > 0, "pwrite");
      done += static_cast<std::size_t>(n);
    }
  }
};

// reports::merge_results (render.cpp), word for word.
nlohmann::json merge_results(const std::vector<nlohmann::json>& documents, const std::vector<std::string>& names) {
  return reports::detail::to_json(reports::detail::parse_and_merge(documents, names), documents);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static scratch_file file;
  file.hold(data, size);
  nlohmann::json doc;
  try {
    doc = reports::read_results_file(file.path);
  } catch (const reports::report_error& e) {
    FUZZ_CHECK(e.document() == file.path, std::string("a report_error not naming the file: ") + e.what());
    return 0;
  }
  try {
    const nlohmann::json merged = merge_results({doc}, {"fuzz.json"});
    FUZZ_CHECK(merged.is_object(), "merge_results returned " + std::string(merged.type_name()));
  } catch (const reports::report_error&) {
    return 0;
  }
  try {
    (void)merge_results({doc, doc}, {});  // the same runs twice: duplicates, unless there are none
  } catch (const reports::report_error&) {
  }
  return 0;
}
