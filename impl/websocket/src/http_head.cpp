#include "stutter/ws/http_head.hpp"

#include <algorithm>

#include "stutter/ws/errors.hpp"

namespace stutter::ws {

namespace {

constexpr byte crlf[] = {'\r', '\n'};

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5).
bool parse_field(std::string_view line, header_field& out) {
  std::size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), is_tchar)) return false;  // also rejects obs-fold
  std::string_view value = trim(line.substr(colon + 1));
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return false;
  }
  out.name.assign(name);
  out.value.assign(value);
  return true;
}

}  // namespace

http_head_reader::http_head_reader(byte_stream& lower, http_limits limits)
    : in_(lower,
          {.capacity = limits.max_line + 2 + std::max<std::size_t>(limits.read_block, 1),
           .block = std::max<std::size_t>(limits.read_block, 1),
           .strict = limits.strict}),
      limits_(limits) {}

io_result http_head_reader::fail(std::error_code ec) {
  error_ = ec;
  return io_result::failed(ec);
}

io_result http_head_reader::read() {
  if (error_) return io_result::failed(error_);
  while (!done_) {
    // Each line must fit both the line limit and what is left of the head's budget.
    const std::size_t budget = limits_.max_header_bytes - std::min(head_bytes_, limits_.max_header_bytes);
    if (budget < 2) return fail(http_errc::headers_too_large);
    const bool budget_binds = budget - 2 < limits_.max_line;
    io_result r = in_.read_until(crlf, budget_binds ? budget - 2 : limits_.max_line);
    if (r.st == status::eof) return fail(errc::unexpected_eof);
    if (r.st == status::error) {
      if (r.ec == errc::line_too_long) {
        return fail(budget_binds ? http_errc::headers_too_large : http_errc::line_too_long);
      }
      return fail(r.ec);
    }
    if (!r.ok()) return r;
    const_bytes held = in_.buffered();
    std::string_view line(reinterpret_cast<const char*>(held.data()), r.n - 2);
    head_bytes_ += r.n;
    if (!have_start_) {
      start_.assign(line);
      have_start_ = true;
    } else if (line.empty()) {
      done_ = true;
    } else {
      if (fields_.size() == limits_.max_headers) return fail(http_errc::too_many_headers);
      header_field field;
      if (!parse_field(line, field)) return fail(http_errc::bad_header_line);
      fields_.push_back(std::move(field));
    }
    in_.consume(r.n);
  }
  return io_result::done(0);
}

bool iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::string field_list(const std::vector<header_field>& fields, std::string_view name) {
  std::string out;
  for (const auto& f : fields) {
    if (!iequals(f.name, name)) continue;
    if (!out.empty()) out += ", ";
    out += f.value;
  }
  return out;
}

std::size_t field_count(const std::vector<header_field>& fields, std::string_view name) {
  return static_cast<std::size_t>(
      std::count_if(fields.begin(), fields.end(), [&](const header_field& f) { return iequals(f.name, name); }));
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace stutter::ws
