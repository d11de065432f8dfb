#include "run_page.hpp"

#include "columns.hpp"
#include "coverage.hpp"
#include "hexdump.hpp"
#include "html.hpp"
#include "index_page.hpp"
#include "layout.hpp"
#include "timeline_svg.hpp"

namespace stutter::reports::detail {
namespace {

void fact(std::string& out, std::string_view label, std::string_view value, const char* cls = "") {
  if (value.empty()) {
    put(out, "<div><dt>{}</dt><dd class=\"absent\">none</dd></div>\n", esc(label));
  } else {
    put(out, "<div><dt>{}</dt><dd class=\"{}\">{}</dd></div>\n", esc(label), cls, esc(value));
  }
}

std::string joined(const std::vector<std::string>& list, std::string_view sep) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

void header(std::string& out, const result_row& r) {
  put(out, "<header class=\"masthead\">\n<div class=\"masthead-row\">\n<div>\n<a class=\"back\" href=\"../index.html\">← All results</a>\n"
           "<div class=\"eyebrow\">{} · {}</div>\n<h1>{}</h1>\n</div>\n<span class=\"badge badge-lg v-{}\">{}</span>\n</div>\n</header>\n<main>\n",
      esc(r.category), esc(implementation_label(r.implementation, r.identity, r.role)), esc(r.id), r.verdict, r.verdict);
}

void outcome(std::string& out, const result_row& r) {
  put(out, "<section class=\"card\" id=\"outcome\">\n<h2>Outcome</h2>\n");
  if (!r.description.empty()) put(out, "<p class=\"description\">{}</p>\n", esc(r.description));
  put(out, "<dl class=\"facts\">\n");
  put(out, "<div><dt>Expected verdict</dt><dd>{}</dd></div>\n",
      r.expected_verdict.empty() ? std::string("<span class=\"absent\">not stated</span>")
                                 : fmt::format("<span class=\"badge v-{}\">{}</span>", r.expected_verdict, r.expected_verdict));
  put(out, "<div><dt>Observed verdict</dt><dd><span class=\"badge v-{}\">{}</span></dd></div>\n", r.verdict, r.verdict);
  if (!r.expectation_reason.empty()) fact(out, "Why this is expected", r.expectation_reason, "expectation-reason");
  fact(out, "Violated invariant", r.invariant, "mono invariant");
  fact(out, "Rule", r.rule);
  put(out, "</dl>\n");
  if (!r.message.empty()) put(out, "<pre class=\"message\">{}</pre>\n", esc(r.message));
  put(out, "</section>\n");
}

void replay(std::string& out, const result_row& r) {
  put(out, "<section class=\"card\" id=\"replay\">\n<h2>Replay</h2>\n");
  if (r.replay.empty()) {
    put(out, "<p class=\"empty-note\">No replay command was recorded for this run.</p>\n</section>\n");
    return;
  }
  put(out, "<div class=\"replay\"><pre><code id=\"replay-command\">{}</code></pre>"
           "<button type=\"button\" class=\"copy\" data-copy=\"replay-command\" hidden>Copy</button></div>\n</section>\n",
      esc(r.replay));
}

void scenario_facts(std::string& out, const result_row& r) {
  put(out, "<section class=\"card\" id=\"run\">\n<h2>Run</h2>\n<dl class=\"facts\">\n");
  fact(out, "Scenario", r.scenario);
  fact(out, "Category", r.category);
  fact(out, "File", r.file, "mono");
  fact(out, "Implementation", r.implementation);
  fact(out, "Role", r.role == "own" ? "own (the ends it was made for)" : r.role == "both" ? "both ends" : r.role + " end");
  if (r.identity) {
    fact(out, "Build", r.identity->name + " " + r.identity->version);
    fact(out, "Build sha256", r.identity->sha256, "mono");
  }
  if (r.explore) fact(out, "Found by", "stutter explore");
  fact(out, "Stack", joined(r.stack, " › "));
  fact(out, "Seed", std::to_string(r.seed), "mono");
  fact(out, "Trace hash", r.trace_hash, "mono");
  auto stat = [&](std::string_view label, const std::optional<std::uint64_t>& v) {
    fact(out, label, v ? std::to_string(*v) : std::string());
  };
  stat("Operations", r.operations);
  stat("Bytes", r.bytes);
  stat("Steps", r.steps);
  stat("Virtual time", r.virtual_time);
  put(out, "</dl>\n");
  if (!r.invariants_checked.empty()) {
    put(out, "<h3>Invariants checked</h3>\n<ul class=\"tags\">");
    for (const auto& inv : r.invariants_checked) {
      put(out, "<li{}><code>{}</code></li>", inv == r.invariant ? " class=\"broken\"" : "", esc(inv));
    }
    put(out, "</ul>\n");
  }
  put(out, "</section>\n");
}

void faults(std::string& out, const result_row& r) {
  if (r.faults.empty() && !r.faults_by_phase) return;
  put(out, "<section class=\"card\" id=\"faults\">\n<h2>Faults injected</h2>\n");
  if (r.faults_by_phase) {
    put(out, "<table class=\"coverage compact\"><thead><tr><th>Phase</th><th>Fault kind</th><th class=\"num\">Count</th></tr></thead>\n<tbody>\n");
    bool any = false;
    for (const auto& phase : phases_in_order(*r.faults_by_phase)) {
      for (const auto& [kind, n] : r.faults_by_phase->at(phase)) {
        any = true;
        put(out, "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td></tr>\n", esc(phase), esc(kind), n);
      }
    }
    if (!any) put(out, "<tr><td colspan=\"3\" class=\"absent\">No faults fired.</td></tr>\n");
    put(out, "</tbody></table>\n");
  } else {
    put(out, "<table class=\"coverage compact\"><thead><tr><th>Fault kind</th><th class=\"num\">Count</th></tr></thead>\n<tbody>\n");
    for (const auto& [kind, n] : r.faults) put(out, "<tr><td><code>{}</code></td><td class=\"num\">{}</td></tr>\n", esc(kind), n);
    put(out, "</tbody></table>\n");
  }
  put(out, "</section>\n");
}

}  // namespace

std::string render_run_page(const result_row& r, const merged_run& run, std::size_t timeline_cap) {
  std::string out;
  page_begin(out, r.id + " · " + r.verdict + " · Stutter report", "../");
  header(out, r);
  outcome(out, r);
  replay(out, r);
  if (r.data) {
    put(out, "<section class=\"card\" id=\"data\">\n<h2>Data: expected and delivered</h2>\n");
    data_diff(out, *r.data);
    put(out, "</section>\n");
  }
  if (!r.timeline.empty()) {
    put(out, "<section class=\"card\" id=\"timeline\">\n<h2>Timeline <span class=\"count\">{} events</span></h2>\n", r.timeline.size());
    timeline_svg(out, r.timeline, timeline_cap);
    put(out, "</section>\n");
  }
  if (!r.wire.empty()) {
    put(out, "<section class=\"card\" id=\"wire\">\n<h2>Wire log <span class=\"count\">{} chunks</span></h2>\n", r.wire.size());
    wire_log(out, r.wire);
    put(out, "</section>\n");
  }
  scenario_facts(out, r);
  faults(out, r);
  put(out, "</main>\n");
  page_end(out, footer_note(run));
  return out;
}

}  // namespace stutter::reports::detail
