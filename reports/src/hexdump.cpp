#include "hexdump.hpp"

#include <algorithm>

#include "html.hpp"

namespace stutter::reports::detail {
namespace {

constexpr std::size_t line_bytes = 16;
constexpr std::size_t diff_lines_shown = 256;  // 4 KiB per side
constexpr std::size_t context_lines = 4;       // shown above the first difference when the window moves
constexpr std::size_t wire_chunks_shown = 500;
constexpr std::size_t wire_bytes_shown = 8192;  // writers may log a whole stream as one chunk

constexpr char hex_digits[] = "0123456789abcdef";

void hex_byte(std::string& out, unsigned char b) {
  out += hex_digits[b >> 4];
  out += hex_digits[b & 15];
}

void ascii_byte(std::string& out, unsigned char b) {
  if (b >= 0x20 && b < 0x7f) {
    append_escaped(out, std::string_view(reinterpret_cast<const char*>(&b), 1));
  } else {
    out += '.';
  }
}

enum class mark { none, first, diff, extra };

mark classify(std::string_view self, std::string_view other, std::size_t i, std::optional<std::size_t> first) {
  if (first && i == *first) return mark::first;
  if (i >= other.size()) return mark::extra;
  if (first && i > *first && self[i] != other[i]) return mark::diff;
  return mark::none;
}

const char* mark_class(mark m) {
  switch (m) {
    case mark::first: return "first";
    case mark::diff: return "diff";
    case mark::extra: return "extra";
    case mark::none: break;
  }
  return "";
}

// One side of one line: hex cell and ASCII cell, bytes outside `self` left blank.
void side(std::string& out, std::string_view self, std::string_view other, std::size_t line_start,
          std::optional<std::size_t> first) {
  std::string hex, ascii;
  for (std::size_t i = line_start; i < line_start + line_bytes; ++i) {
    if (i > line_start) hex += ' ';
    if (i >= self.size()) {
      hex += "  ";
      continue;
    }
    auto b = static_cast<unsigned char>(self[i]);
    mark m = classify(self, other, i, first);
    if (m == mark::none) {
      hex_byte(hex, b);
      ascii_byte(ascii, b);
    } else {
      put(hex, "<span class=\"{}\">", mark_class(m));
      hex_byte(hex, b);
      hex += "</span>";
      put(ascii, "<span class=\"{}\">", mark_class(m));
      ascii_byte(ascii, b);
      ascii += "</span>";
    }
  }
  put(out, "<td class=\"hex\">{}</td><td class=\"ascii\">{}</td>", hex, ascii);
}

}  // namespace

std::optional<std::size_t> first_difference(std::string_view expected, std::string_view delivered) {
  auto [e, d] = std::mismatch(expected.begin(), expected.end(), delivered.begin(), delivered.end());
  if (e == expected.end() && d == delivered.end()) return std::nullopt;
  return static_cast<std::size_t>(e - expected.begin());
}

void data_diff(std::string& out, const data_pair& data) {
  const std::string_view exp = data.expected, got = data.delivered;
  auto first = first_difference(exp, got);
  put(out, "<p class=\"diff-summary\">Expected {} byte{}, delivered {} byte{}. ", exp.size(), exp.size() == 1 ? "" : "s",
      got.size(), got.size() == 1 ? "" : "s");
  if (first) {
    put(out, "First difference at offset <strong class=\"first-offset\">{} (0x{:x})</strong>.</p>\n", *first, *first);
  } else {
    put(out, "They are identical.</p>\n");
  }
  const std::size_t total_lines = (std::max(exp.size(), got.size()) + line_bytes - 1) / line_bytes;
  std::size_t begin = 0;
  if (first && *first / line_bytes >= diff_lines_shown) begin = *first / line_bytes - context_lines;
  const std::size_t end = std::min(total_lines, begin + diff_lines_shown);

  put(out, "<div class=\"table-scroll\">\n<table class=\"hexdiff\">\n<thead><tr><th>Offset</th><th colspan=\"2\">Expected</th>"
           "<th colspan=\"2\">Delivered</th></tr></thead>\n<tbody>\n");
  if (begin > 0) put(out, "<tr class=\"skipped\"><td colspan=\"5\">{} lines before not shown</td></tr>\n", begin);
  for (std::size_t line = begin; line < end; ++line) {
    std::size_t start = line * line_bytes;
    bool has_first = first && *first >= start && *first < start + line_bytes;
    put(out, "<tr{}><td class=\"off\">{:08x}</td>", has_first ? " class=\"first-line\"" : "", start);
    side(out, exp, got, start, first);
    side(out, got, exp, start, first);
    put(out, "</tr>\n");
  }
  if (end < total_lines) put(out, "<tr class=\"skipped\"><td colspan=\"5\">{} lines after not shown</td></tr>\n", total_lines - end);
  put(out, "</tbody>\n</table>\n</div>\n<p class=\"legend\"><span class=\"key first\">first difference</span>"
           "<span class=\"key diff\">differs</span><span class=\"key extra\">only on this side</span></p>\n");
}

void wire_log(std::string& out, const std::vector<wire_chunk>& wire) {
  put(out, "<div class=\"table-scroll\">\n<table class=\"wire\">\n<thead><tr><th class=\"num\">#</th><th class=\"num\">t</th>"
           "<th>From</th><th class=\"num\">Bytes</th><th>Data</th></tr></thead>\n<tbody>\n");
  const std::size_t shown = std::min(wire.size(), wire_chunks_shown);
  for (std::size_t k = 0; k < shown; ++k) {
    const wire_chunk& c = wire[k];
    const char* side_class = c.from == "client" ? "from-client" : c.from == "server" ? "from-server" : "from-other";
    put(out, "<tr class=\"{}\"><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td><pre class=\"dump\">",
        side_class, k + 1, c.t, esc(c.from), c.bytes.size());
    const std::size_t n = std::min(c.bytes.size(), wire_bytes_shown);
    for (std::size_t start = 0; start < n; start += line_bytes) {
      std::string hex, ascii;
      for (std::size_t i = start; i < start + line_bytes; ++i) {
        if (i > start) hex += ' ';
        if (i >= n) {
          hex += "  ";
          continue;
        }
        hex_byte(hex, static_cast<unsigned char>(c.bytes[i]));
        ascii_byte(ascii, static_cast<unsigned char>(c.bytes[i]));
      }
      put(out, "{}{}  {}", start == 0 ? "" : "\n", hex, ascii);
    }
    if (c.bytes.size() > n) put(out, "\n<span class=\"more\">… {} more bytes</span>", c.bytes.size() - n);
    put(out, "</pre></td></tr>\n");
  }
  put(out, "</tbody>\n</table>\n</div>\n");
  if (wire.size() > shown) put(out, "<p class=\"note\">{} more chunks not shown.</p>\n", wire.size() - shown);
}

}  // namespace stutter::reports::detail
