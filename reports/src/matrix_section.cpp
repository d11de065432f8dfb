#include <algorithm>
#include <set>

#include "columns.hpp"
#include "html.hpp"
#include "index_page.hpp"
#include "verdicts.hpp"

namespace stutter::reports::detail {
namespace {

constexpr std::size_t links_per_cell = 4;

using run_list = std::vector<const result_row*>;

// Distinct verdicts in display order, space-separated (for data-verdicts).
std::string verdict_set(const run_list& runs) {
  std::string out;
  for (auto v : all_verdicts()) {
    bool any = std::any_of(runs.begin(), runs.end(), [&](const result_row* r) { return r->verdict == v; });
    if (any) out += (out.empty() ? "" : " ") + std::string(v);
  }
  return out;
}

std::string tally(const run_list& runs) {
  std::string out;
  for (auto v : all_verdicts()) {
    auto n = std::count_if(runs.begin(), runs.end(), [&](const result_row* r) { return r->verdict == v; });
    if (n > 0) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, v);
  }
  return out;
}

void cell(std::string& out, const std::string& scenario, const std::string& impl, const run_list& runs) {
  if (runs.empty()) {
    put(out, "<td class=\"cell not-run\" title=\"{}\"><span class=\"vname\">not run</span></td>",
        esc(fmt::format("{} × {}: not run", scenario, impl)));
    return;
  }
  const result_row* worst = runs.front();
  for (const auto* r : runs) {
    if (severity(r->verdict) < severity(worst->verdict)) worst = r;
  }
  std::string title = fmt::format("{} × {}: {}", scenario, impl, tally(runs));
  if (runs.size() == 1) title += fmt::format(" (seed {})", worst->seed);
  put(out, "<td class=\"cell v-{}\" data-verdicts=\"{}\" title=\"{}\">", worst->verdict, verdict_set(runs), esc(title));
  if (worst->page.empty()) {
    put(out, "<span class=\"vname\">{}</span>", worst->verdict);
  } else {
    put(out, "<a class=\"vname\" href=\"runs/{}\">{}</a>", esc(worst->page), worst->verdict);
  }
  if (runs.size() > 1) {
    put(out, "<span class=\"runs\">&times;{}</span>", runs.size());
    std::size_t shown = 0, pages = 0;
    for (const auto* r : runs) {
      if (r->page.empty() || r == worst) continue;
      ++pages;
      if (shown == links_per_cell) continue;
      if (shown++ == 0) put(out, "<span class=\"seeds\">");
      put(out, "<a class=\"v-{}\" href=\"runs/{}\" title=\"seed {}: {}\">{}</a>", r->verdict, esc(r->page), r->seed,
          r->verdict, r->seed);
    }
    if (pages > shown) put(out, "<span class=\"more\">+{}</span>", pages - shown);
    if (shown > 0) put(out, "</span>");
  }
  put(out, "</td>");
}

void filters(std::string& out, const merged_run& run, const std::vector<std::string>& categories) {
  // The chips count the matrix's runs; explore's passing runs are only totals, not rows.
  counts shown;
  for (const auto& r : run.rows) ++shown[r.verdict];
  // Hidden until the script shows it: without JS the page simply shows everything.
  put(out, "<form class=\"filters\" hidden>\n<fieldset><legend>Verdict</legend>\n");
  for (auto v : all_verdicts()) {
    auto it = shown.find(std::string(v));
    if (it == shown.end()) continue;
    const std::uint64_t n = it->second;
    put(out, "<label class=\"chip v-{}\"><input type=\"checkbox\" name=\"verdict\" value=\"{}\" checked> {} <span class=\"n\">{}</span></label>\n",
        esc(v), esc(v), esc(v), n);
  }
  put(out, "</fieldset>\n<label class=\"category-filter\">Category <select name=\"category\">\n<option value=\"\">All categories</option>\n");
  for (const auto& c : categories) put(out, "<option value=\"{}\">{}</option>\n", esc(c), esc(c));
  put(out, "</select></label>\n<button type=\"reset\" class=\"reset\">Show all</button>\n</form>\n");
}

}  // namespace

void matrix_section(std::string& out, const merged_run& run) {
  const auto columns = matrix_columns(run.rows);
  std::vector<std::string> categories;
  for (const auto& r : run.rows) {
    if (categories.empty() || categories.back() != r.category) categories.push_back(r.category);
  }

  put(out, "<section id=\"matrix\" class=\"card\">\n<h2>Results matrix</h2>\n");
  put(out, "<p class=\"hint\">Scenarios by implementation under test and the end it played (&ldquo;@ server&rdquo;; "
           "none means the ends it was made for), with the reference stack at the other end. A cell with several "
           "seeds shows its worst verdict; linked cells open the run page.</p>\n");
  if (run.rows.empty()) {
    put(out, "<p class=\"empty-note\">{}</p>\n</section>\n",
        run.explore.empty() ? "No results." : "No results: explore found no failure (its totals are below).");
    return;
  }
  filters(out, run, categories);
  put(out, "<div class=\"table-scroll\">\n<table class=\"matrix\">\n<thead><tr><th class=\"corner\">Scenario</th>");
  for (const auto& c : columns) put(out, "<th scope=\"col\" title=\"{}\">{}</th>", esc(c.title), esc(c.label));
  put(out, "</tr></thead>\n");

  // Rows arrive sorted by category, scenario, implementation, role, seed: walk them group by group.
  std::size_t i = 0;
  while (i < run.rows.size()) {
    const std::string& category = run.rows[i].category;
    std::size_t end = i;
    std::set<std::string_view> scenarios;
    while (end < run.rows.size() && run.rows[end].category == category) scenarios.insert(run.rows[end++].scenario);
    put(out, "<tbody class=\"category\" data-category=\"{}\">\n<tr class=\"category-row\"><th colspan=\"{}\">{} <span class=\"count\">{} scenario{}</span></th></tr>\n",
        esc(category), columns.size() + 1, esc(category), scenarios.size(), scenarios.size() == 1 ? "" : "s");
    while (i < end) {
      const result_row& first = run.rows[i];
      std::vector<run_list> by_column(columns.size());
      run_list all;
      for (; i < end && run.rows[i].scenario == first.scenario; ++i) {
        const result_row& r = run.rows[i];
        auto col = std::find_if(columns.begin(), columns.end(),
                                [&](const column& c) { return c.implementation == r.implementation && c.role == r.role; });
        by_column[static_cast<std::size_t>(col - columns.begin())].push_back(&r);
        all.push_back(&r);
      }
      std::string title = first.description;
      if (!first.file.empty()) title += (title.empty() ? "" : "\n") + first.file;
      put(out, "<tr class=\"scenario-row\" data-verdicts=\"{}\"><th scope=\"row\" class=\"scenario\" title=\"{}\">{}</th>",
          verdict_set(all), esc(title), esc(first.scenario));
      for (std::size_t c = 0; c < columns.size(); ++c) cell(out, first.scenario, columns[c].label, by_column[c]);
      put(out, "</tr>\n");
    }
    put(out, "</tbody>\n");
  }
  put(out, "</table>\n</div>\n</section>\n");
}

void attention_section(std::string& out, const merged_run& run) {
  std::size_t count = 0;
  for (const auto& r : run.rows) count += r.page.empty() ? 0 : 1;
  put(out, "<section id=\"attention\" class=\"card\">\n<h2>Failing and notable runs <span class=\"count\">{}</span></h2>\n", count);
  if (count == 0) {
    put(out, "<p class=\"empty-note\">Every run passed and none recorded a timeline.</p>\n</section>\n");
    return;
  }
  put(out, "<div class=\"table-scroll\">\n<table class=\"runs\">\n<thead><tr><th>Verdict</th><th>Run</th><th>Scenario</th>"
           "<th>Implementation</th><th class=\"num\">Seed</th><th>Invariant</th><th>Message</th></tr></thead>\n<tbody>\n");
  // Gate failures first, then the rest, each in matrix order.
  std::vector<const result_row*> listed;
  for (const auto& r : run.rows) {
    if (!r.page.empty()) listed.push_back(&r);
  }
  std::stable_sort(listed.begin(), listed.end(),
                   [](const result_row* a, const result_row* b) { return severity(a->verdict) < severity(b->verdict); });
  for (const auto* r : listed) {
    std::string message = truncate_text(r->message, 160);
    put(out,
        "<tr data-category=\"{}\" data-verdicts=\"{}\"><td><span class=\"badge v-{}\">{}</span></td>"
        "<td><a href=\"runs/{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"msg\">{}</td></tr>\n",
        esc(r->category), r->verdict, r->verdict, r->verdict, esc(r->page), esc(r->id), esc(r->scenario),
        esc(implementation_label(r->implementation, r->identity, r->role)), r->seed, r->invariant.empty() ? std::string() : "<code>" + escape(r->invariant) + "</code>",
        esc(message));
  }
  put(out, "</tbody>\n</table>\n</div>\n</section>\n");
}

}  // namespace stutter::reports::detail
