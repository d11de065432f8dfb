#include "html.hpp"
#include "index_page.hpp"

namespace stutter::reports::detail {
namespace {

void warnings(std::string& out, const coverage& cov) {
  if (cov.never_fired.empty() && cov.never_checked.empty()) {
    put(out, "<p class=\"all-covered\">Every fault kind fired and every invariant was checked at least once.</p>\n");
    return;
  }
  put(out, "<div class=\"warnings\" role=\"alert\">\n<h3>Coverage gaps</h3>\n<ul>\n");
  for (const auto& kind : cov.never_fired) {
    put(out, "<li class=\"warning\" data-fault=\"{}\">Fault kind <code>{}</code> never fired in any run.</li>\n", esc(kind),
        esc(kind));
  }
  for (const auto& inv : cov.never_checked) {
    put(out, "<li class=\"warning\" data-invariant=\"{}\">Invariant <code>{}</code> was never checked.</li>\n", esc(inv),
        esc(inv));
  }
  put(out, "</ul>\n</div>\n");
}

void fault_table(std::string& out, const coverage& cov) {
  put(out, "<h3>Faults fired, by protocol phase</h3>\n<div class=\"table-scroll\">\n<table class=\"coverage\">\n<thead><tr><th>Fault kind</th>");
  for (const auto& p : cov.phases) put(out, "<th class=\"num\">{}</th>", esc(p));
  put(out, "<th class=\"num\">Total</th></tr></thead>\n<tbody>\n");
  for (const auto& kind : cov.kinds) {
    std::uint64_t total = cov.total(kind);
    put(out, "<tr{}><th scope=\"row\"><code>{}</code></th>", total == 0 ? " class=\"never\"" : "", esc(kind));
    auto row = cov.fired.find(kind);
    for (const auto& p : cov.phases) {
      std::uint64_t n = 0;
      if (row != cov.fired.end()) {
        auto it = row->second.find(p);
        if (it != row->second.end()) n = it->second;
      }
      put(out, "<td class=\"num{}\">{}</td>", n == 0 ? " zero" : "", n);
    }
    put(out, "<td class=\"num total{}\">{}</td></tr>\n", total == 0 ? " zero" : "", total);
  }
  put(out, "</tbody>\n</table>\n</div>\n");
}

void invariant_table(std::string& out, const coverage& cov) {
  put(out, "<h3>Invariants</h3>\n<div class=\"table-scroll\">\n<table class=\"coverage invariants\">\n<thead><tr><th>Invariant</th>"
           "<th class=\"num\">Runs that checked it</th><th class=\"num\">Runs that broke it</th></tr></thead>\n<tbody>\n");
  for (const auto& inv : cov.invariants) {
    auto c = cov.checked.find(inv);
    auto b = cov.broken.find(inv);
    std::uint64_t checked = c == cov.checked.end() ? 0 : c->second;
    std::uint64_t broken = b == cov.broken.end() ? 0 : b->second;
    put(out, "<tr{}><th scope=\"row\"><code>{}</code></th><td class=\"num{}\">{}</td><td class=\"num{}\">{}</td></tr>\n",
        checked == 0 ? " class=\"never\"" : "", esc(inv), checked == 0 ? " zero" : "", checked,
        broken == 0 ? " zero" : " broken", broken);
  }
  put(out, "</tbody>\n</table>\n</div>\n");
}

}  // namespace

void coverage_section(std::string& out, const coverage& cov) {
  put(out, "<section id=\"coverage\" class=\"card\">\n<h2>Coverage</h2>\n");
  warnings(out, cov);
  put(out, "<div class=\"coverage-grid\">\n<div>\n");
  fault_table(out, cov);
  put(out, "</div>\n<div>\n");
  invariant_table(out, cov);
  put(out, "</div>\n</div>\n</section>\n");
}

}  // namespace stutter::reports::detail
