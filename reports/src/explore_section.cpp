#include <map>
#include <tuple>

#include "columns.hpp"
#include "html.hpp"
#include "index_page.hpp"
#include "merge.hpp"
#include "verdicts.hpp"

namespace stutter::reports::detail {
namespace {

constexpr std::size_t links_per_row = 10;

using explore_key = std::tuple<std::string, std::string, std::string>;

std::string tally(const counts& verdicts) {
  std::string out;
  for (auto v : all_verdicts()) {
    auto it = verdicts.find(std::string(v));
    if (it != verdicts.end() && it->second > 0) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", it->second, v);
  }
  return out;
}

void failures_cell(std::string& out, const explore_totals& t, const std::vector<const result_row*>& found) {
  put(out, "<td class=\"num failures{}\">{}", t.failures == 0 ? " zero" : "", t.failures);
  std::size_t shown = 0;
  for (const auto* r : found) {
    if (r->page.empty()) continue;
    if (shown == links_per_row) break;
    if (shown++ == 0) put(out, "<span class=\"seeds\">");
    put(out, "<a class=\"v-{}\" href=\"runs/{}\" title=\"{}\">{}</a>", r->verdict, esc(r->page),
        esc(fmt::format("seed {}: {} {}", r->seed, r->verdict, r->invariant)), r->seed);
  }
  if (found.size() > shown && shown > 0) put(out, "<span class=\"more\">+{}</span>", found.size() - shown);
  if (shown > 0) put(out, "</span>");
  put(out, "</td>");
}

void faults_cell(std::string& out, const counts& faults) {
  put(out, "<td class=\"faults\">");
  bool any = false;
  for (const auto& [kind, n] : faults) {
    if (n == 0) continue;
    any = true;
    put(out, "<span class=\"fault-count\"><code>{}</code> {}</span> ", esc(kind), n);
  }
  if (!any) put(out, "<span class=\"absent\">none</span>");
  put(out, "</td>");
}

}  // namespace

void explore_section(std::string& out, const merged_run& run) {
  if (run.explore.empty()) return;
  std::map<explore_key, std::vector<const result_row*>> found;
  std::uint64_t runs = 0;
  for (const auto& t : run.explore) runs += t.runs;
  for (const auto& r : run.rows) {
    if (r.explore) found[{stack_key(r.stack), r.implementation, r.role}].push_back(&r);
  }
  put(out, "<section id=\"explore\" class=\"card\">\n<h2>Explore <span class=\"count\">{} runs</span></h2>\n", runs);
  put(out, "<p class=\"hint\">Runs drawn from seeds (a fault profile and a workload each), summed per stack and "
           "implementation over every shard. Only failures are kept as results; their seeds link to the run pages. "
           "Runs per second are per explore process.</p>\n");
  put(out, "<div class=\"table-scroll\">\n<table class=\"explore\">\n<thead><tr><th>Stack</th><th>Implementation</th>"
           "<th class=\"num\">Runs</th><th>Seeds</th><th class=\"num\">Failures</th><th>Verdicts</th><th>Faults fired</th>"
           "<th class=\"num\">Runs/s</th></tr></thead>\n<tbody>\n");
  static const std::vector<const result_row*> none;
  for (const auto& t : run.explore) {
    auto it = found.find({t.stack, t.implementation, t.role});
    std::string title = t.implementation + ", role " + t.role;
    if (t.identity) title += "; " + t.identity->name + " " + t.identity->version + ", sha256 " + t.identity->sha256;
    put(out, "<tr class=\"explore-row\" data-stack=\"{}\"><td><code>{}</code></td><td title=\"{}\">{}</td><td class=\"num\">{}</td>",
        esc(t.stack), esc(t.stack), esc(title), esc(implementation_label(t.implementation, t.identity, t.role)), t.runs);
    if (t.seeds) {
      put(out, "<td class=\"mono\">{}..{}</td>", t.seeds->first, t.seeds->second);
    } else {
      put(out, "<td class=\"absent\">none</td>");
    }
    failures_cell(out, t, it == found.end() ? none : it->second);
    put(out, "<td>{}</td>", esc(tally(t.verdicts)));
    faults_cell(out, t.faults);
    if (auto rate = runs_per_second(t)) {
      put(out, "<td class=\"num\">{:.1f}</td>", *rate);
    } else {
      put(out, "<td class=\"num absent\">not timed</td>");
    }
    put(out, "</tr>\n");
  }
  put(out, "</tbody>\n</table>\n</div>\n</section>\n");
}

}  // namespace stutter::reports::detail
