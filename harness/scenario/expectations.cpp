#include "scenario/expectations.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <span>
#include <system_error>

#include "scenario/display.hpp"
#include "scenario/fields.hpp"
#include "scenario/format.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/names.hpp"

namespace stutter::scenario {
namespace {

namespace limits = expectations_format;
using fields::read_choice;
using fields::read_object;
using fields::read_string;

constexpr std::array<std::string_view, 4> top_keys{"$schema", "version", "description", "expectations"};
enum : std::size_t { t_schema, t_version, t_description, t_expectations };

constexpr std::array<std::string_view, 7> entry_keys{"scenario", "implementation", "role",  "verdict",
                                                     "invariant", "message",       "reason"};
enum : std::size_t { e_scenario, e_implementation, e_role, e_verdict, e_invariant, e_message, e_reason };

// A run's peer_role as an entry names it; "own" is the default of a scenario, not a role to pin.
constexpr std::array<std::string_view, 3> role_names{"client", "server", "both"};

// As in scenario files, in the order of the verdict enum.
constexpr std::array<std::string_view, 7> expectable{"pass",          "fail",          "hang", "non_strict",
                                                     "unimplemented", "informational", "crash"};

std::string size_limit(std::size_t bytes) {
  return std::to_string(bytes) + " bytes (" + std::to_string(bytes >> 20) + " MiB)";
}

bool has(std::uint64_t seen, std::size_t key) { return (seen >> key & 1u) != 0; }

void require(json_reader& r, std::uint64_t seen, std::initializer_list<std::size_t> required,
             std::span<const std::string_view> keys) {
  for (std::size_t k : required) {
    if (!has(seen, k)) r.fail("missing required key " + display::quoted(keys[k]));
  }
}

std::string read_bounded(json_reader& r, std::string_view what, std::size_t max_bytes) {
  std::string s = read_string(r);
  if (s.size() > max_bytes) {
    r.fail(std::string(what) + " is " + std::to_string(s.size()) + " bytes; the limit is " + std::to_string(max_bytes));
  }
  return s;
}

// The version decides how to read everything else, so it is checked before anything else.
void check_version(std::string_view text, std::string_view label) {
  json_reader r(text, label);
  r.begin_object();
  bool seen = false;
  const std::string wanted = std::to_string(limits::current_version);
  while (const auto key = r.next_key()) {
    if (*key != "version") {
      r.skip_value();
      continue;
    }
    seen = true;
    if (r.peek() != json_kind::number) r.fail("expected the integer " + wanted + ", got " + r.describe_next());
    const json_number n = r.read_number();
    const std::string shown = display::printable(n.lexeme, 40);
    if (!n.integral) r.fail("expected the integer " + wanted + ", got " + shown);
    if (n.negative || n.magnitude != static_cast<std::uint64_t>(limits::current_version)) {
      r.fail("unsupported version " + shown + "; this build reads expectations files of version " + wanted);
    }
  }
  if (!seen) r.fail("missing required key \"version\"");
}

class loader {
 public:
  explicit loader(json_reader& r) : r_(r) {}

  std::vector<expectation_entry> read_file() {
    std::vector<expectation_entry> entries;
    const std::uint64_t seen = read_object(r_, top_keys, [&](std::size_t key) {
      switch (key) {
        case t_schema: read_string(r_); break;  // for editors only
        case t_version: fields::read_uint(r_, 1, 1); break;  // check_version has vetted it
        case t_description: read_bounded(r_, "the description", limits::max_description_bytes); break;
        case t_expectations: entries = read_entries(); break;
      }
    });
    require(r_, seen, {t_version, t_expectations}, top_keys);
    return entries;
  }

 private:
  std::vector<expectation_entry> read_entries() {
    std::vector<expectation_entry> entries;
    r_.begin_array();
    while (r_.next_item()) {
      if (entries.size() == limits::max_entries) {
        r_.fail("more than " + std::to_string(limits::max_entries) + " expectations");
      }
      entries.push_back(read_entry());
    }
    return entries;
  }

  expectation_entry read_entry() {
    expectation_entry e;
    e.pointer = r_.pointer();
    const std::uint64_t seen = read_object(r_, entry_keys, [&](std::size_t key) {
      switch (key) {
        case e_scenario: e.scenario_glob = read_glob("scenario"); break;
        case e_implementation: e.implementation_glob = read_glob("implementation"); break;
        case e_role: e.role = parse_placement(role_names[read_choice(r_, "role", role_names)]); break;
        case e_verdict: e.expect.expected = read_verdict(); break;
        case e_invariant: e.expect.invariant = read_invariant(); break;
        case e_message:
          e.expect.message = read_bounded(r_, "the message", limits::max_message_bytes);
          if (e.expect.message->empty()) r_.fail("an empty message matches every message; drop \"message\"");
          break;
        case e_reason:
          e.reason = read_bounded(r_, "the reason", limits::max_reason_bytes);
          if (e.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
            r_.fail("the reason must not be empty: say why the run ends this way");
          }
          break;
      }
    });
    require(r_, seen, {e_scenario, e_verdict, e_reason}, entry_keys);
    check_verdict_details(e, seen);
    return e;
  }

  std::string read_glob(std::string_view what) {
    std::string glob = read_bounded(r_, "the " + std::string(what) + " glob", limits::max_glob_bytes);
    if (glob.empty()) r_.fail("the " + std::string(what) + " glob must not be empty; \"*\" matches every name");
    return glob;
  }

  verdict read_verdict() {
    const std::string v = read_string(r_);
    const auto parsed = parse_verdict(v);
    if (parsed == verdict::xfail || parsed == verdict::xpass) {
      r_.fail(display::quoted(v) + " is a result, not an expectation; expected one of: " + display::list(expectable));
    }
    if (!parsed) r_.fail("unknown verdict " + display::quoted(v) + "; expected one of: " + display::list(expectable));
    return *parsed;
  }

  std::string read_invariant() {
    std::string id = read_string(r_);
    if (!format::is_invariant_id(id)) {
      r_.fail("invalid invariant id " + display::quoted(id) + "; ids are lowercase, digits and '_' '-' '.' '*' (at most " +
              std::to_string(format::max_invariant_bytes) + " bytes), like \"handover.exact\"");
    }
    return id;
  }

  // Run after the entry is closed: the keys may come in any order.
  void check_verdict_details(const expectation_entry& e, std::uint64_t seen) {
    const verdict v = e.expect.expected;
    const std::string name(to_string(v));
    if (v == verdict::pass) {
      if (has(seen, e_invariant)) fail_at(e, "invariant", "an expected pass breaks no invariant; drop \"invariant\"");
      if (has(seen, e_message)) fail_at(e, "message", "an expected pass has no failure message; drop \"message\"");
      return;
    }
    const bool breaks = v == verdict::fail || v == verdict::hang || v == verdict::crash;
    for (std::size_t key : {e_invariant, e_message}) {
      if (!breaks && has(seen, key)) {
        fail_at(e, entry_keys[key],
                display::quoted(entry_keys[key]) + " goes only with fail, hang or crash, not with " + name);
      }
    }
    if ((v == verdict::fail || v == verdict::hang) && !has(seen, e_invariant)) {
      r_.fail("an expected " + name + " names the invariant it breaks; add \"invariant\"");
    }
  }

  [[noreturn]] void fail_at(const expectation_entry& e, std::string_view key, std::string reason) {
    r_.fail_at(e.pointer + "/" + std::string(key), std::move(reason));
  }

  json_reader& r_;
};

// The length of the UTF-8 sequence starting at text[i] (1 at a stray continuation byte).
std::size_t code_point_length(std::string_view text, std::size_t i) {
  std::size_t n = 1;
  while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xc0) == 0x80) ++n;
  return n;
}

}  // namespace

expectations_file load_expectations(std::string_view text, std::string_view label) {
  if (text.size() > limits::max_file_bytes) {
    throw load_error(std::string(label), "",
                     "the input is " + std::to_string(text.size()) + " bytes; the limit is " +
                         size_limit(limits::max_file_bytes));
  }
  check_json(text, label);  // syntax problems first, wherever they are
  check_version(text, label);
  json_reader r(text, label);
  expectations_file f{std::string(label), loader(r).read_file()};
  r.finish();
  return f;
}

expectations_file load_expectations_file(const std::string& path) {
  auto failure = [&](const std::string& reason) { return load_error(path, "", reason); };
  auto system_message = [] { return std::generic_category().message(errno); };

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw failure("cannot open the file: " + system_message());
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_on_exit{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) throw failure("cannot read the file: " + system_message());
  if (!S_ISREG(st.st_mode)) throw failure("not a regular file");
  auto too_large = [&](std::uint64_t bytes) {
    return failure("the file is " + std::to_string(bytes) + " bytes; the limit is " + size_limit(limits::max_file_bytes));
  };
  if (static_cast<std::uint64_t>(st.st_size) > limits::max_file_bytes) throw too_large(static_cast<std::uint64_t>(st.st_size));

  // Read to the end rather than trusting st_size: the file may change while it is read.
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      if (text.size() > limits::max_file_bytes) throw too_large(text.size());
      text.resize(std::min(limits::max_file_bytes + 1, std::max<std::size_t>(4096, text.size() * 2)));
    }
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw failure("cannot read the file: " + system_message());
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  text.resize(used);
  return load_expectations(text, path);
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Greedy with one backtrack point: on a mismatch the last '*' takes one more character.
  // Linear in practice, O(|pattern| * |text|) at worst; never exponential.
  std::size_t p = 0;
  std::size_t t = 0;
  std::optional<std::size_t> star_p;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_t = t;
    } else if (p < pattern.size() && pattern[p] == '?') {
      ++p;
      t += code_point_length(text, t);
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star_p) {
      p = *star_p;
      star_t += code_point_length(text, star_t);
      t = star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool entry_matches(const expectation_entry& e, const scenario& s) {
  if (e.role && *e.role != s.peer_role) return false;
  if (!glob_match(e.scenario_glob, s.name)) return false;
  return glob_match(e.implementation_glob, s.peer) ||
         (s.peer_identity && glob_match(e.implementation_glob, s.peer_identity->name));
}

const expectation_entry* find_expectation(const expectations_file& f, const scenario& s) {
  for (const auto& e : f.entries) {
    if (entry_matches(e, s)) return &e;
  }
  return nullptr;
}

}  // namespace stutter::scenario
