#include "timeline_svg.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "html.hpp"

namespace stutter::reports::detail {
namespace {

constexpr int label_width = 160;
constexpr int slot = 9;        // horizontal space per event
constexpr int gap = 8;         // extra space where virtual time advances
constexpr int lane_height = 30;
constexpr int axis_height = 28;
constexpr int min_label_spacing = 40;

struct lane {
  std::string endpoint;
  std::string layer;
  std::size_t first_seen = 0;
};

int endpoint_rank(const std::string& e) { return e == "client" ? 0 : e == "server" ? 1 : 2; }

std::vector<lane> lanes_of(const std::vector<const timeline_event*>& events) {
  std::vector<lane> lanes;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = *events[i];
    bool known = std::any_of(lanes.begin(), lanes.end(),
                             [&](const lane& l) { return l.endpoint == e.endpoint && l.layer == e.layer; });
    if (!known) lanes.push_back({e.endpoint, e.layer, i});
  }
  std::stable_sort(lanes.begin(), lanes.end(), [](const lane& a, const lane& b) {
    return std::tuple(endpoint_rank(a.endpoint), a.endpoint, a.first_seen) <
           std::tuple(endpoint_rank(b.endpoint), b.endpoint, b.first_seen);
  });
  return lanes;
}

// Result strings come from the trace; only a fixed set of classes ever reaches the markup.
const char* result_class(const std::string& r) {
  if (r == "ok") return "r-ok";
  if (r == "would_block") return "r-wait";
  if (r == "need_read" || r == "need_write") return "r-need";
  if (r == "eof") return "r-eof";
  if (r.rfind("error", 0) == 0) return "r-error";
  return "r-other";
}

std::string tooltip(const timeline_event& e) {
  std::string s = fmt::format("t={} · {}/{} · {}", e.t, e.endpoint, e.layer, e.op);
  if (e.requested) s += fmt::format(" requested={}", *e.requested);
  if (!e.result.empty()) s += " → " + e.result;
  if (e.n) s += fmt::format(" n={}", *e.n);
  if (!e.error.empty()) s += " (" + e.error + ")";
  if (!e.phase.empty()) s += " · phase: " + e.phase;
  if (!e.fault.empty()) s += " · fault: " + e.fault;
  return s;
}

}  // namespace

void timeline_svg(std::string& out, const std::vector<timeline_event>& all, std::size_t cap) {
  if (all.empty()) return;
  std::vector<const timeline_event*> events(all.size());
  std::transform(all.begin(), all.end(), events.begin(), [](const timeline_event& e) { return &e; });
  std::stable_sort(events.begin(), events.end(),
                   [](const timeline_event* a, const timeline_event* b) { return a->t < b->t; });
  const std::size_t drawn = std::min(cap, events.size());
  events.resize(drawn);
  const auto lanes = lanes_of(events);

  // Events that share a virtual instant sit side by side; a gap marks time moving on.
  std::vector<int> xs(drawn);
  int x = label_width + 12;
  for (std::size_t i = 0; i < drawn; ++i) {
    if (i > 0 && events[i]->t != events[i - 1]->t) x += gap;
    xs[i] = x;
    x += slot;
  }
  const int width = std::max(x + 16, label_width + 200);
  const int height = axis_height + static_cast<int>(lanes.size()) * lane_height + 6;
  const int lanes_bottom = height - 6;

  put(out, "<div class=\"timeline-scroll\">\n<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
           "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"Timeline of {} events\">\n",
      width, height, width, height, drawn);
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    int y = axis_height + static_cast<int>(l) * lane_height;
    put(out, "<rect class=\"lane{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>", l % 2 ? " odd" : "", y, width, lane_height);
    put(out, "<line class=\"lane-axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", label_width, y + lane_height / 2, width,
        y + lane_height / 2);
    put(out, "<text class=\"lane-label\" x=\"10\" y=\"{}\">{}</text>\n", y + lane_height / 2 + 4,
        esc(truncate_text(lanes[l].endpoint + " · " + lanes[l].layer, 24)));
  }
  put(out, "<text class=\"axis-title\" x=\"10\" y=\"17\">virtual time →</text>\n");
  int last_label = -min_label_spacing;
  for (std::size_t i = 0; i < drawn; ++i) {
    if (i > 0 && events[i]->t == events[i - 1]->t) continue;
    put(out, "<line class=\"tick\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", xs[i] - 2, axis_height - 4, xs[i] - 2, lanes_bottom);
    if (xs[i] - last_label >= min_label_spacing) {
      put(out, "<text class=\"tick-label\" x=\"{}\" y=\"{}\">{}</text>", xs[i] - 2, axis_height - 8, events[i]->t);
      last_label = xs[i];
    }
  }
  put(out, "\n");
  for (std::size_t i = 0; i < drawn; ++i) {
    const auto& e = *events[i];
    auto lane_index = std::find_if(lanes.begin(), lanes.end(),
                                   [&](const lane& l) { return l.endpoint == e.endpoint && l.layer == e.layer; }) -
                      lanes.begin();
    const int top = axis_height + static_cast<int>(lane_index) * lane_height;
    const int mid = top + lane_height / 2;
    // Writes rise above the lane's line, reads hang below it, anything else spans both.
    int y = mid - 11, h = 22;
    if (e.op == "write") h = 11;
    if (e.op == "read") y = mid, h = 11;
    const bool fault = !e.fault.empty();
    put(out, "<g class=\"ev {}{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"6\" height=\"{}\" rx=\"1\"/>",
        result_class(e.result), fault ? " fault" : "", esc(tooltip(e)), xs[i], y, h);
    if (fault) put(out, "<path class=\"fault-mark\" d=\"M{} {}l4 4l-4 4l-4-4z\"/>", xs[i] + 3, top + 1);
    put(out, "</g>\n");
  }
  put(out, "</svg>\n</div>\n");
  put(out, "<p class=\"legend\"><span class=\"key r-ok\">ok</span><span class=\"key r-wait\">would_block</span>"
           "<span class=\"key r-need\">need_read / need_write</span><span class=\"key r-eof\">eof</span>"
           "<span class=\"key r-error\">error</span><span class=\"key r-other\">other</span>"
           "<span class=\"key fault\">fault injected</span><span class=\"legend-note\">Writes above each lane's line, reads below; "
           "hover a mark for details.</span></p>\n");
  if (all.size() > drawn) {
    put(out, "<p class=\"note not-drawn\">{} more events not drawn (the timeline shows the first {} in virtual time).</p>\n",
        all.size() - drawn, drawn);
  }
}

}  // namespace stutter::reports::detail
