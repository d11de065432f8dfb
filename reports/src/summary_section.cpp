#include "html.hpp"
#include "index_page.hpp"
#include "verdicts.hpp"

namespace stutter::reports::detail {
namespace {

std::string joined(const std::vector<std::string>& list, std::string_view sep) {
  std::string out;
  for (const auto& s : list) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

void fact(std::string& out, std::string_view label, std::string_view value, bool code = false) {
  if (value.empty()) value = "not recorded";
  if (code) {
    put(out, "<div><dt>{}</dt><dd><code>{}</code></dd></div>\n", esc(label), esc(value));
  } else {
    put(out, "<div><dt>{}</dt><dd>{}</dd></div>\n", esc(label), esc(value));
  }
}

}  // namespace

void summary_section(std::string& out, const merged_run& run) {
  put(out, "<section id=\"summary\" class=\"card\">\n<h2>Summary</h2>\n<ul class=\"verdict-counts\">\n");
  for (auto v : all_verdicts()) {
    auto it = run.verdicts.find(std::string(v));
    std::uint64_t n = it == run.verdicts.end() ? 0 : it->second;
    put(out, "<li class=\"vc v-{}{}\" data-verdict=\"{}\"><span class=\"n\">{}</span><span class=\"label\">{}</span></li>\n",
        v, n == 0 ? " zero" : "", v, n, v);
  }
  put(out, "</ul>\n<dl class=\"facts\">\n");
  put(out, "<div><dt>Runs</dt><dd class=\"runs-total\">{}</dd></div>\n", run.runs);
  std::uint64_t explored = 0;
  for (const auto& t : run.explore) explored += t.runs;
  if (explored > 0) put(out, "<div><dt>Of which explore</dt><dd class=\"runs-explore\">{}</dd></div>\n", explored);
  std::string_view det = run.determinism.empty() ? std::string_view("not checked") : run.determinism;
  put(out, "<div><dt>Determinism</dt><dd><span class=\"det {}\">{}</span></dd></div>\n",
      run.determinism == "ok" ? "det-ok" : (run.determinism.empty() ? "det-none" : "det-bad"), esc(det));
  fact(out, "Duration", run.duration_ms ? format_duration(*run.duration_ms) : "");
  fact(out, "Commit", run.commit, true);
  fact(out, "Seeds", joined(run.seeds, ", "));
  fact(out, run.shards.size() > 1 ? "Shards" : "Shard", joined(run.shards, ", "));
  fact(out, "Command", joined(run.commands, "; "), true);
  fact(out, run.document_names.size() > 1 ? "Merged from" : "Source", joined(run.document_names, ", "));
  put(out, "</dl>\n</section>\n");
}

}  // namespace stutter::reports::detail
